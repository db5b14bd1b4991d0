import Foundation
import SilverLining
import Testing

/// `update_fetch_everywhere`: the first app server's update_fetch is the primary one; each
/// other app server fetches too, before it switches, marked as not primary.
@Suite(.serialized, .enabled(if: IntegrationEnvironment.available, IntegrationEnvironment.skipReason))
struct UpdateFetchEverywhereTests {
    @Test func everyAppServerFetchesOnceAndAFailingSecondaryKeepsItsNodeOnTheOldInstance() async throws {
        let fixture = LocalNodesetFixture("fev")
        let (_, nodeset) = try fixture.conf(appservers: 3, balancer: true)
        let everywhere = try TestApp(version: "1", fetchEverywhere: true)
        let failing = try TestApp(version: "2", fetchEverywhere: true, failSecondary: true)
        defer { everywhere.remove(); failing.remove() }
        let nodes = (1...3).map { "app\($0).\(fixture.name).test" }
        try await fixture.run(nodeset) { session in
            try await NodeCreation(session: session).run()
            try await NodeSetup(session: session, localHostsFile: "/dev/null").run()

            let first = try await Update(session: session, app: try everywhere.load()).run()
            #expect(first.fetched.count == 1 && first.fetched[0].contains("update=True"), "\(first.fetched)")
            var fetches: [String] = []
            for node in nodes {
                fetches.append(try await session.output("cat", ["/var/tmp/silverlining/\(first.instance)/fetches"], on: node))
            }
            #expect(fetches == ["primary=True", "primary=False", "primary=False"], "one fetch per instance, only the first primary")

            var update = Update(session: session, app: try failing.load())
            update.batch = 1
            let error = try await #require(throws: DeployError.self) { try await update.run() }
            #expect(String(describing: error).contains("update_fetch /setup failed: HTTP 500"), "\(error)")
            let rows = try await FleetQuery(session: session).rows(app: "hello")
            let serving = Dictionary(uniqueKeysWithValues: rows.map { ($0.node, $0.active) })
            #expect(serving[nodes[0]] != first.instance && serving[nodes[0]]?.hasPrefix("hello.") == true, "the first switched: \(serving)")
            #expect(serving[nodes[1]] == first.instance && serving[nodes[2]] == first.instance, "the others kept the old instance: \(serving)")
            #expect(rows.allSatisfy { !$0.outOfRotation }, "no app server was left drained: \(rows)")
            let secondTry = try #require(serving[nodes[0]])
            #expect(try await session.output("cat", ["/var/tmp/silverlining/\(secondTry)/fetches"], on: nodes[1]) == "primary=False")
        }
        #expect(LocalLeftovers.of(nodeset: fixture.name).isEmpty)
    }
}
