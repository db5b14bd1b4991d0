import Foundation
import SilverLining
import Testing

/// One local nodeset shared by the services suite: two app servers, a mysql node, a postgis
/// node and a balancer, created and set up once, destroyed when the suite ends. Tests reach
/// it through `ServicesNodeset.current`.
struct ServicesNodeset: SuiteTrait, TestScoping {
    @TaskLocal static var current: Shared?

    struct Shared: Sendable {
        var session: NodesetSession
        var context: ServiceContext

        func record(_ name: String) async throws -> NodeRecord {
            guard let record = await session.store.record(named: name) else { throw TestFailure("\(name) is not recorded") }
            return record
        }

        func nodes(_ role: Role) -> [NodeRecord] { context.topology.nodes(in: role) }
    }

    var isRecursive: Bool { false }

    func scopeProvider(for test: Test, testCase: Test.Case?) -> ServicesNodeset? {
        test.isSuite ? self : nil
    }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        guard IntegrationEnvironment.available else { return try await function() }
        let fixture = LocalNodesetFixture("svc")
        let nodeset = fixture.nodeset(
            appservers: 2, services: ["mysql": 1, "postgis": 1], balancer: true,
            locations: [Location(url: "http://www.\(fixture.name).test/", appName: ServicesTests.app)])
        try await fixture.run(nodeset) { session in
            try await NodeCreation(session: session).run()
            try await NodeSetup(session: session, localHostsFile: "/dev/null").run()
            let shared = Shared(session: session, context: try await ServiceContext.open(session: session))
            try await ServicesNodeset.$current.withValue(shared) { try await function() }
        }
        let leftovers = LocalLeftovers.of(nodeset: nodeset.name)
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    static func shared() throws -> Shared {
        guard let current else { throw TestFailure("the services nodeset is not set up") }
        return current
    }
}

/// What an app server's client programs answer, run with the credentials a service returned.
enum Client {
    static func value(_ name: String, in variables: [EnvironmentVariable]) throws -> String {
        guard let value = variables.first(where: { $0.name == name })?.value else { throw TestFailure("no \(name) in \(variables.map(\.name))") }
        return value
    }

    /// `mysql` as the app's user, from `node`, with `sql` on standard input.
    static func mysql(_ sql: String, _ variables: [EnvironmentVariable]) throws -> Command {
        Command(
            "env",
            try [
                "MYSQL_PWD=\(value("CONFIG_MYSQL_PASSWORD", in: variables))", "mysql", "--batch", "--skip-column-names",
                "--connect-timeout=5", "--host=\(value("CONFIG_MYSQL_HOST", in: variables))",
                "--port=\(value("CONFIG_MYSQL_PORT", in: variables))", "--user=\(value("CONFIG_MYSQL_USER", in: variables))",
                "--database=\(value("CONFIG_MYSQL_DBNAME", in: variables))",
            ], input: sql, step: "mysql as the app")
    }

    /// `psql` connecting with the URL the service returned.
    static func psql(_ sql: String, _ variables: [EnvironmentVariable]) throws -> Command {
        Command(
            "env", ["PGCONNECT_TIMEOUT=5", "psql", try value("CONFIG_PG_SQLALCHEMY", in: variables), "--no-psqlrc", "--tuples-only", "--no-align",
                "--quiet", "--set=ON_ERROR_STOP=1"],
            input: sql, step: "psql as the app")
    }
}
