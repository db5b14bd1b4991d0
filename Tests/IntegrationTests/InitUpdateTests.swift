import Foundation
import SilverLining
import Testing

/// A Silver Lining user's first app: `silver init`, default_location set in app.ini, and
/// `silver update DIR` alone deploys it to local nodes, where it answers through the balancer
/// and `show-env --json` shows its environment.
@Suite(.enabled(if: IntegrationEnvironment.available, IntegrationEnvironment.skipReason))
struct InitUpdateTests {
    @Test func initThenUpdateToDefaultLocation() async throws {
        let fixture = LocalNodesetFixture("init")
        let (conf, nodeset) = try fixture.conf(appservers: 1, balancer: true)
        let host = "www.\(fixture.name).test"
        let parent = NSTemporaryDirectory() + "silver-init-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let app = parent + "/hello"
        let silver = SilverCommand(home: fixture.home.path)
        try await fixture.run(nodeset) { _ in
            try await silver.check(["init", app])
            // As a user would: uncomment init's default_location line and point it at the nodeset.
            let ini = try String(contentsOfFile: app + "/app.ini", encoding: .utf8)
            let placeholder = "# default_location = http://myhost.example.com/"
            #expect(ini.contains(placeholder))
            try ini.replacingOccurrences(of: placeholder, with: "default_location = http://\(host)/")
                .write(toFile: app + "/app.ini", atomically: true, encoding: .utf8)
            try "static file\n".write(toFile: app + "/static/hello.txt", atomically: true, encoding: .utf8)

            try await silver.check(["create-node", conf])
            try await silver.check(["setup-node", conf])
            try await silver.check(["update", app])

            let session = try fixture.session(nodeset)
            let balancer = try #require(await session.store.all().first { $0.role == .balancer }).address
            let page = try await Visitor.get(balancer, host: host)
            #expect(page.status == 200 && page.body.hasPrefix("Hello from hello.20"), "\(page)")
            let file = try await Visitor.get(balancer, host: host, path: "/hello.txt")
            #expect(file.status == 200 && file.body == "static file\n", "\(file)")

            // show-env --json: one object of the instance's environment.
            let shown = try await SilverCLI.run(["show-env", conf, "hello", "--json"], environment: ["SILVER_HOME": fixture.home.path])
            #expect(shown.status == 0, "\(shown.transcript)")
            let environment = try JSONDecoder().decode([String: String].self, from: Data(shown.output))
            #expect(environment["SILVER_APP_NAME"] == "hello" && environment["SILVER_INSTANCE_NAME"]?.hasPrefix("hello.20") == true,
                "\(environment)")
        }
        #expect(LocalLeftovers.of(nodeset: fixture.name).isEmpty)
    }
}
