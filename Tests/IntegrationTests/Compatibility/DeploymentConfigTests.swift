import Foundation
import SilverLining
import Testing

/// Silver Lining's deployment configuration and install scripts, through the `silver`
/// command on two app servers behind a balancer: `config.required`, `update --config DIR`
/// kept until the next one, `config.checker` stopping a bad configuration before any node
/// switches (and giving the good one back), `package_install_script` and
/// `after_install_script` run as root on every app server.
@Suite(.enabled(if: IntegrationEnvironment.available, IntegrationEnvironment.skipReason))
struct DeploymentConfigTests {
    @Test func configurationIsRequiredCheckedKeptAndGivenBack() async throws {
        let fixture = LocalNodesetFixture("cfg")
        let (conf, nodeset) = try fixture.conf(appservers: 2, balancer: true, app: "cfg")
        let host = "www.\(fixture.name).test"
        let app = try CompatApp(files: [
            "app.ini": """
                [production]
                app_name = cfg
                runner = main.py
                config.required = true
                config.checker = checks:check
                package_install_script = bin/before.sh
                after_install_script = bin/after.sh

                """,
            "main.py": """
                import os, socket

                def application(environ, start_response):
                    with open(os.path.join(os.environ["SILVER_APP_CONFIG"], "settings.ini")) as settings:
                        body = "%s %s" % (socket.gethostname(), settings.read().strip())
                    start_response("200 OK", [("Content-Type", "text/plain")])
                    return [body.encode()]

                """,
            "lib/python/checks.py": """
                import os

                def check(directory):
                    with open(os.path.join(directory, "settings.ini")) as settings:
                        if "bad" in settings.read():
                            raise ValueError("settings.ini says bad")

                """,
            "bin/before.sh": "id -u > /var/tmp/cfg-before\n",
            "bin/after.sh": "id -u > /var/tmp/cfg-after\n",
        ])
        let good = try CompatApp(files: ["settings.ini": "good\n"])
        let bad = try CompatApp(files: ["settings.ini": "bad\n"])
        defer { [app, good, bad].forEach { $0.remove() } }
        let silver = SilverCommand(home: fixture.home.path)
        try await fixture.run(nodeset) { _ in
            try await silver.check(["create-node", conf])
            try await silver.check(["setup-node", conf])
            // Opened now: the nodes were recorded by the silver processes above.
            let session = try fixture.session(nodeset)
            let balancer = try #require(await session.store.all().first { $0.role == .balancer }).address
            /// What the app servers read from their configuration, over a few requests.
            func settings() async throws -> Set<String> {
                var seen = Set<String>()
                for _ in 0..<8 {
                    let (status, body) = try await Visitor.get(balancer, host: host)
                    #expect(status == 200, "\(body)")
                    seen.insert(body.split(separator: " ").last.map(String.init) ?? body)
                }
                return seen
            }

            // config.required: refused before anything changes, naming what to do.
            let missing = try await CommandRunner().run(
                Command(SilverBinary.path, ["update", app.directory, conf]), environment: ["SILVER_HOME": fixture.home.path])
            #expect(missing.status == 2 && missing.errorText.contains("--config DIR"), "\(missing.transcript)")

            try await silver.check(["update", app.directory, conf, "--config", good.directory])
            #expect(try await settings() == ["good"], "both app servers read the uploaded configuration")
            for node in ["app1", "app2"].map({ "\($0).\(fixture.name).test" }) {
                #expect(try await session.output("cat", ["/var/tmp/cfg-before", "/var/tmp/cfg-after"], on: node) == "0\n0",
                    "the install scripts ran as root on \(node)")
                let mode = try await session.output("stat", ["-c", "%a %U:%G", "/var/lib/silverlining/configs/cfg/settings.ini"], on: node)
                #expect(mode == "600 silver-cfg:silver-cfg", "the configuration is readable by its app's user only: \(mode)")
            }

            // A configuration the checker refuses: its traceback is printed, nothing switches,
            // and the good configuration is the app's again.
            let refused = try await CommandRunner().run(
                Command(SilverBinary.path, ["update", app.directory, conf, "--config", bad.directory]),
                environment: ["SILVER_HOME": fixture.home.path])
            #expect(refused.status == 1 && refused.errorText.contains("ValueError: settings.ini says bad"), "\(refused.transcript)")
            #expect(refused.errorText.contains("No node was switched"), "\(refused.transcript)")
            #expect(try await settings() == ["good"])
            #expect(try await session.output("cat", ["/var/lib/silverlining/configs/cfg/settings.ini"], on: "app2.\(fixture.name).test") == "good")

            // Without --config, the configuration uploaded before stays.
            try await silver.check(["update", app.directory, conf])
            #expect(try await settings() == ["good"])
        }
    }
}
