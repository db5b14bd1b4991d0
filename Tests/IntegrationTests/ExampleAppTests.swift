import Foundation
import SilverLining
import Testing

/// The README's path, as a user walks it: the `silver` command, the example nodeset's shape
/// (app servers, a MariaDB node, a balancer) and the example app in examples/hello.
@Suite(.enabled(if: IntegrationEnvironment.available, IntegrationEnvironment.skipReason))
struct ExampleAppTests {
    @Test func exampleAppSharesOneDatabaseAcrossTheFleet() async throws {
        let fixture = LocalNodesetFixture("ex")
        let (conf, nodeset) = try fixture.conf(appservers: 3, services: ["mysql"], balancer: true)
        let host = "www.\(fixture.name).test"
        let silver = SilverCommand(home: fixture.home.path)
        try await fixture.run(nodeset) { _ in
            try await silver.check(["create-node", conf])
            try await silver.check(["setup-node", conf])
            let update = try await silver.check(["update", ExampleApp.directory, conf])
            #expect(update.contains("table visits ready"), "update_fetch's answer is printed:\n\(update)")
            // Opened now: the nodes were recorded by the silver processes above.
            let session = try fixture.session(nodeset)
            let balancer = try #require(await session.store.all().first { $0.role == .balancer }).address

            // 30 visits through the balancer reach all three app servers, each adding a row.
            var writers: [String: Int] = [:]
            for _ in 0..<30 {
                let (status, body) = try await Visitor.get(balancer, host: host)
                #expect(status == 200, "\(body)")
                let visit = try #require(ExampleApp.Visit(body), "\(body)")
                writers[visit.node] = visit.number
            }
            #expect(writers.count == 3, "\(writers)")

            // A row written through one app server is read back through another.
            let (writer, number) = try #require(writers.first)
            var readers = Set<String>()
            for _ in 0..<6 {
                let (status, body) = try await Visitor.get(balancer, host: host, path: "/visits/\(number)")
                #expect(status == 200 && body.hasPrefix("visit \(number) was served by \(writer) "), "\(body)")
                if let reader = body.split(separator: " ").last { readers.insert(String(reader)) }
            }
            #expect(readers.subtracting([writer]).count >= 1, "read on \(readers), written on \(writer)")

            // The rows are in MariaDB on the service node, from every app server.
            let mysqlNode = "mysql.\(fixture.name).test"
            let nodes = try await session.output("mysql", ["-N", "-e", "SELECT COUNT(DISTINCT node) FROM hello.visits"], on: mysqlNode)
            #expect(nodes == "3")

            // query: the same active instance on all three.
            let query = try await silver.check(["query", conf, "hello"])
            let instance = try #require(query.firstMatch(of: /hello\.\d{4}-\d{2}-\d{2}_\d{3}/).map { String($0.output) })
            #expect(query.split(separator: "\n").filter { $0.contains(instance) && $0.contains("app") }.count == 3, "\(query)")

            // show-env masks the password unless asked.
            let password = try await session.output("cat", ["/var/lib/silverlining/secrets/mysql/hello"], on: mysqlNode)
            let masked = try await silver.check(["show-env", conf, "hello"])
            #expect(masked.contains("CONFIG_MYSQL_PASSWORD=********") && !masked.contains(password), "\(masked)")
            let mysqlAddress = try #require(await session.store.record(named: mysqlNode)).address
            #expect(masked.contains("CONFIG_MYSQL_HOST=\(mysqlAddress)\n"))
            let revealed = try await silver.check(["show-env", conf, "hello", "--reveal"])
            #expect(revealed.contains("CONFIG_MYSQL_PASSWORD=\(password)\n"))
        }
        #expect(LocalLeftovers.of(nodeset: fixture.name).isEmpty)
    }
}

/// examples/hello, the app the README deploys.
enum ExampleApp {
    static var directory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/hello").path
    }

    /// "Hello from NODE (instance NAME): visit N"
    struct Visit {
        var node: String
        var number: Int

        init?(_ body: String) {
            guard let match = body.firstMatch(of: /Hello from (\S+) \(instance \S+\): visit (\d+)/), let number = Int(match.output.2)
            else { return nil }
            node = String(match.output.1)
            self.number = number
        }
    }
}

/// The built `silver` command with a test's own SILVER_HOME.
struct SilverCommand {
    var home: String

    /// Runs silver and returns what it printed (output and errors), failing unless it exits 0.
    @discardableResult
    func check(_ arguments: [String]) async throws -> String {
        let result = try await CommandRunner().run(Command(SilverBinary.path, arguments), environment: ["SILVER_HOME": home])
        let printed = result.text + result.errorText
        print(printed)
        guard result.status == 0 else { throw TestFailure("silver \(arguments.joined(separator: " ")) exited \(result.status):\n\(printed)") }
        return printed
    }
}
