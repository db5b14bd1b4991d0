import Foundation
import SilverLining
import Testing

/// Silver Lining's own example apps (examples/silverlining), unchanged but for Python 3,
/// deployed with the `silver` command to two app servers behind a balancer.
@Suite(.serialized, .enabled(if: IntegrationEnvironment.available, IntegrationEnvironment.skipReason))
struct SilverLiningExamplesTests {
    static func example(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/silverlining/\(name)").path
    }

    @Test func silverLiningsExamplesAnswerThroughTheBalancer() async throws {
        let nodes = try CompatNodeset(
            "slx", apps: [("python", "example-app"), ("php", "example-php"), ("backup", "example_backup")], services: ["mysql", "postgis"])
        // The functional test's app is refused before anything runs, naming couchdb and why.
        let refused = try await CommandRunner().run(
            Command(SilverBinary.path, ["update", Self.example("example-app"), nodes.conf]), environment: ["SILVER_HOME": nodes.fixture.home.path])
        #expect(refused.status == 2, "\(refused.errorText)")
        #expect(refused.errorText.contains("service.couchdb") && refused.errorText.contains("Debian 12 has no CouchDB package"), "\(refused.errorText)")

        try await nodes.run { session, balancer, _ in
            let name = nodes.fixture.name
            // The balancer sends visitors to an app server once every location's app runs there.
            try await nodes.silver.check(["update", Self.example("simple-python"), nodes.conf])
            let php = try await nodes.silver.check(["update", Self.example("simple-php"), nodes.conf])
            #expect(php.contains("default_host: has been renamed to default_location"), "\(php)")
            try await nodes.silver.check(["update", Self.example("example-backup"), nodes.conf])

            // simple-python: no runner, so main.py; it prints the environment, services included.
            let python = try await nodes.visit(balancer, "python")
            #expect(python.allSatisfy { $0.contains("SILVER_INSTANCE_NAME=example-app.") && $0.contains("CONFIG_PG_DBNAME=example-app") })
            #expect(python.allSatisfy { $0.contains("SILVER_VERSION=silverlining/") })

            // simple-php: its runner is phpinfo(), in <? short tags; the app's environment is in $_SERVER.
            let info = try await nodes.visit(balancer, "php")
            #expect(info.allSatisfy { $0.contains("PHP Version 8.2") && $0.contains("$_SERVER['SILVER_INSTANCE_NAME']") }, "\(info[0].prefix(3000))")
            #expect(info.allSatisfy { $0.contains("example-php.") && $0.contains("$_SERVER['SILVER_CANONICAL_HOSTNAME']") })
            let phpServers = Set(info.compactMap { $0.firstMatch(of: /System <\/td><td class="v">Linux (\S+)/).map { String($0.output.1) } })
            #expect(phpServers.count == 2, "both app servers answer: \(phpServers)")
            #expect(try await nodes.visit(balancer, "php", path: "/runner.php", count: 1)[0].contains("PHP Version 8.2"))

            // example-backup: MySQLdb with CONFIG_MYSQL_*; its table is made in MariaDB on the service node.
            let backup = try await nodes.visit(balancer, "backup")
            #expect(backup.allSatisfy { $0 == "Inserted" }, "\(backup)")
            let tables = try await session.output("mysql", ["-N", "-e", "SHOW TABLES FROM example_backup"], on: "mysql.\(name).test")
            #expect(tables == "test_table")
        }
    }
}
