import Foundation
import SilverLining
import Testing

/// Silver Lining's runtime on real local nodes: PHP through PHP-FPM with MariaDB, Paste
/// Deploy runners, bundled libraries, and one nodeset secret that every app server, PHP
/// and Python alike, agrees on and that nothing prints.
@Suite(.serialized, .enabled(if: IntegrationEnvironment.available, IntegrationEnvironment.skipReason))
struct CompatibilityTests {
    @Test func phpPasteDeployBundledLibrariesAndOneSecret() async throws {
        let nodes = try CompatNodeset("cmp", apps: [("shop", "shop"), ("paste", "paste"), ("libs", "libs")], services: ["mysql"])
        let shop = try CompatApp.php()
        let paste = try CompatApp.pasteDeploy()
        let libs = try CompatApp.bundledLibraries()
        defer { shop.remove(); paste.remove(); libs.remove() }

        try await nodes.run { session, balancer, setUp in
            let name = nodes.fixture.name
            let app1 = "app1.\(name).test"
            let app2 = "app2.\(name).test"
            // One secret, the same on both app servers, root's and readable by the apps' shared group only.
            let secret = try await session.output("cat", [AppRuntime.secretPath], on: app1)
            #expect(secret.count == 32)
            #expect(try await session.output("cat", [AppRuntime.secretPath], on: app2) == secret)
            for node in [app1, app2] {
                #expect(try await session.output("stat", ["-c", "%U %G %a", AppRuntime.secretPath], on: node) == "root silverapps 640")
            }
            // The file holds the secret without a newline, so its hash is the secret's.
            let digest = String(try await session.output("sha256sum", [AppRuntime.secretPath], on: app1).prefix(64))
            #expect(setUp.contains("made the nodeset's secret for apps"), "\(setUp)")
            var printed = setUp + (try await nodes.silver.check(["setup-node", nodes.conf, "--dry-run"]))
            printed += try await nodes.silver.check(["setup-node", nodes.conf])

            // PHP: update_fetch through FastCGI, marked; orders written through both app servers into one MariaDB.
            let shopUpdate = try await nodes.silver.check(["update", shop.directory, nodes.conf])
            printed += shopUpdate
            #expect(shopUpdate.contains("orders table ready, update=yes"), "\(shopUpdate)")
            // The balancer sends visitors to an app server once every location's app runs there.
            printed += try await nodes.silver.check(["update", paste.directory, nodes.conf])
            printed += try await nodes.silver.check(["update", libs.directory, nodes.conf])
            let orders = try await nodes.visit(balancer, "shop", path: "/order", count: 10)
            #expect(orders.allSatisfy { $0.hasPrefix("order ") }, "\(orders)")
            #expect(orders.appServersNamed(in: name).count == 2, "\(orders)")
            #expect(orders.last?.contains("10 orders") == true, "\(orders)")
            let writers = try await session.output("mysql", ["-N", "-e", "SELECT COUNT(DISTINCT node), COUNT(*) FROM shop.orders"], on: "mysql.\(name).test")
            #expect(writers == "2\t10")
            let logo = try await nodes.visit(balancer, "shop", path: "/logo.txt", count: 1)[0]
            #expect(logo == "shop logo\n", "php_root's other files are served as they are: \(logo)")
            let source = try await nodes.visit(balancer, "shop", path: "/config.php", count: 1)[0]
            #expect(!source.contains("never served as source"), "php_root's .php files go through the runner, never as source")
            #expect(try await nodes.visit(balancer, "shop", count: 2).allSatisfy { $0.hasPrefix("shop on app") })
            let forged = try await CommandRunner().check(Command(
                "curl", ["-s", "-H", "Host: \(nodes.host("shop"))", "-H", "X-Silverlining-Update: 1", "http://\(balancer)/update"])).text
            #expect(forged == "update=no\n", "a visitor cannot mark a request as silver's own")
            let phpSecrets = try await nodes.visit(balancer, "shop", path: "/secret")
            #expect(phpSecrets.allSatisfy { $0.hasPrefix("secret \(digest) ") }, "\(phpSecrets)")
            #expect(phpSecrets.appServersNamed(in: name).count == 2)

            // Paste Deploy: production.ini#shopfront, SECRET and the environment in global_conf.
            let pasted = try await nodes.visit(balancer, "paste")
            #expect(pasted.allSatisfy { $0.hasPrefix("hello from paste; secret \(digest) ") && $0.contains(" paste.") }, "\(pasted)")
            #expect(pasted.appServersNamed(in: name).count == 2)

            // Bundled libraries and silversupport.
            let bundled = try await nodes.visit(balancer, "libs")
            #expect(bundled.allSatisfy {
                $0.hasPrefix("hello from a bundled library; found through extras.pth; production=True; secret \(digest) ")
            }, "\(bundled)")
            #expect(bundled.appServersNamed(in: name).count == 2)

            // The secret is in no environment, log or output.
            #expect(!printed.contains(secret), "silver printed the nodeset's secret")
            for node in [app1, app2] {
                let found = try await session.ssh.run(
                    Command("grep", ["-rqF", secret, "/var/lib/silverlining/instances", "/var/log", "/var/tmp/silverlining"]),
                    on: try #require(await session.store.record(named: node)).reach)
                #expect(found.status == 1, "the secret is in a file it must never reach on \(node)")
            }
        }
    }
}
