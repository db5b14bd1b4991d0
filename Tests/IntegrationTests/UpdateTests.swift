import Foundation
import SilverLining
import Synchronization
import Testing

@Suite(.serialized, .enabled(if: IntegrationEnvironment.available, IntegrationEnvironment.skipReason))
struct UpdateTests {
    @Test func rolloutReachesEveryAppServerWithoutDowntime() async throws {
        let fixture = LocalNodesetFixture("upd")
        let (_, nodeset) = try fixture.conf(appservers: 3, balancer: true)
        let host = "www.\(fixture.name).test"
        let v1 = try TestApp(version: "1")
        let v2 = try TestApp(version: "2")
        defer { v1.remove(); v2.remove() }
        try await fixture.run(nodeset) { session in
            try await NodeCreation(session: session).run()
            try await NodeSetup(session: session, localHostsFile: "/dev/null").run()
            let balancer = try #require(await session.store.all().first { $0.role == .balancer }).address

            let first = try await Update(session: session, app: try v1.load()).run()
            #expect(first.nodes.count == 3)
            #expect(first.fetched.count == 1 && first.fetched[0].contains("update=True"), "update_fetch reaches the instance, marked")

            var servedBy = Set<String>()
            for _ in 0..<30 {
                let (status, body) = try await Visitor.get(balancer, host: host)
                #expect(status == 200)
                #expect(body.contains("instance=\(first.instance)") && body.contains("update=False"))
                if let node = body.split(separator: " ").first { servedBy.insert(String(node)) }
            }
            #expect(servedBy.count == 3, "30 requests through the balancer reach all three app servers: \(servedBy)")
            let forged = try await CommandRunner().check(Command(
                "curl", ["-s", "-H", "Host: \(host)", "-H", "X-Silverlining-Update: 1", "http://\(balancer)/"])).text
            #expect(forged.contains("update=False"), "a client cannot mark its request as silver's own")

            let query = try await FleetQuery(session: session).rows(app: "hello")
            #expect(query.count == 3 && query.allSatisfy { $0.active == first.instance && $0.health == "HTTP 200" })

            // Zero downtime: load through the balancer during an update and a rollback, with
            // what HAProxy hid from the client (retries, redispatches) counted beside it.
            let countersBefore = try await BalancerView.counters(session, app: "hello")
            async let load = Visitor.load(balancer, host: host, seconds: 14)
            try await Task.sleep(for: .seconds(1))
            let second = try await Update(session: session, app: try v2.load()).run()
            let rolledBack = try await Reactivation(session: session, app: "hello", instance: "prev").run()
            let result = try await load
            let countersAfter = try await BalancerView.counters(session, app: "hello")
            let hidden = countersAfter.merging(countersBefore) { $0 - $1 }
            print("zero downtime under load: \(result); HAProxy counted \(hidden.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
            #expect(hidden["hrsp_5xx"] == 0, "no app server answered 5xx: \(hidden)")
            #expect(second.instance > first.instance, "instance names grow: \(first.instance), \(second.instance)")
            #expect(rolledBack == first.instance)
            #expect(result.requests > 100)
            #expect(result.non2xx == 0 && result.socketErrors == 0, "\(result.output)")
            let afterRollback = try await Visitor.get(balancer, host: host)
            #expect(afterRollback.status == 200 && afterRollback.body.contains("version=1"), "\(afterRollback)")

            // A one-file change sends little: unchanged files are hard-linked on the nodes.
            try "changed\n".write(toFile: v2.directory + "/static/robots.txt", atomically: true, encoding: .utf8)
            let third = try await Update(session: session, app: try v2.load()).run()
            print("one-file redeploy sent \(third.bytesSent) bytes to 3 nodes; the first deploy sent \(first.bytesSent)")
            #expect(third.bytesSent < first.bytesSent, "only the changed file travels, not the app")
            #expect(try await Visitor.get(balancer, host: host, path: "/robots.txt").body.trimmingCharacters(in: .whitespacesAndNewlines) == "changed")
        }
        #expect(LocalLeftovers.of(nodeset: fixture.name).isEmpty)
    }

    @Test func failuresLeaveTheAppServing() async throws {
        let fixture = LocalNodesetFixture("fault")
        let (conf, nodeset) = try fixture.conf(appservers: 3, balancer: true)
        let host = "www.\(fixture.name).test"
        let good = try TestApp(version: "good")
        let unhealthy = try TestApp(health: 500, version: "unhealthy")
        let failingFetch = try TestApp(setupStatus: 500, version: "badfetch")
        let slow = try TestApp(setupDelay: 6, version: "slow")
        defer { [good, unhealthy, failingFetch, slow].forEach { $0.remove() } }
        try await fixture.run(nodeset) { session in
            try await NodeCreation(session: session).run()
            try await NodeSetup(session: session, localHostsFile: "/dev/null").run()
            let balancer = try #require(await session.store.all().first { $0.role == .balancer }).address
            let serving = try await Update(session: session, app: try good.load()).run().instance

            func servesOnlyGood() async throws {
                for _ in 0..<9 {
                    let (status, body) = try await Visitor.get(balancer, host: host)
                    #expect(status == 200 && body.contains("instance=\(serving)"), "\(status) \(body)")
                }
            }

            // A version whose health check fails is refused before any node switches.
            await #expect(throws: DeployError.self) { try await Update(session: session, app: try unhealthy.load()).run() }
            try await servesOnlyGood()
            // One whose update_fetch fails is switched back on the first node.
            let fetchError = try await #require(throws: DeployError.self) { try await Update(session: session, app: try failingFetch.load()).run() }
            #expect(String(describing: fetchError).contains("serves \(serving) again"))
            try await servesOnlyGood()
            #expect(try await FleetQuery(session: session).rows(app: "hello").allSatisfy { $0.active == serving })

            // Two updates at once: the second is refused and told who holds the lock.
            let lines = LineLog()
            let watched = try fixture.session(nodeset, console: Console { _, text in lines.append(text) })
            let slowUpdate = Task { try await Update(session: watched, app: try slow.load()).run() }
            // The first node has switched and its update_fetch now takes 6 s: act inside that window.
            try await lines.wait(for: "serves hello.")
            let locked = try await #require(throws: DeployError.self) { try await Update(session: session, app: try good.load()).run() }
            #expect(String(describing: locked).contains("update hello"))

            // An app server that stops mid-rollout stops it with a report; the rest keep serving.
            let app3 = "app3.\(fixture.name).test"
            try LocalLeftovers.powerOff(node: app3, nodeset: fixture.name)
            let stopped = try await #require(throws: DeployError.self) { try await slowUpdate.value }
            #expect(String(describing: stopped).contains(app3))
            #expect(String(describing: stopped).contains("Now serving"))
            for _ in 0..<6 { #expect(try await Visitor.get(balancer, host: host).status == 200) }
            try await NodeCreation(session: session).run(names: [app3])

            // A killed `silver update` leaves its lock behind; running it again finishes the job.
            let killed = try await CommandRunner().run(
                Command("timeout", ["-s", "KILL", "4", SilverBinary.path, "update", slow.directory, conf]),
                environment: ["SILVER_HOME": fixture.home.path])
            #expect(killed.status == 137, "the update was killed mid-way: \(killed.errorText)")
            let finished = try await Update(session: session, app: try good.load()).run()
            let rows = try await FleetQuery(session: session).rows(app: "hello")
            #expect(rows.count == 3 && rows.allSatisfy { $0.active == finished.instance }, "\(rows)")
        }
        #expect(LocalLeftovers.of(nodeset: fixture.name).isEmpty)
    }
}

/// What a console or a process printed, for tests that act when a step is reached.
final class LineLog: Sendable {
    private let printed = Mutex("")

    func append(_ text: String) {
        printed.withLock { $0 += text }
    }

    var text: String { printed.withLock { $0 } }

    func wait(for fragment: String, deadline: Duration = .seconds(120)) async throws {
        guard await poll(deadline: deadline, until: { text.contains(fragment) }) else {
            throw TestFailure("never saw \(fragment) in:\n\(text)")
        }
    }
}

/// The built `silver` command, for tests that run it as a user would.
enum SilverBinary {
    static var path: String {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent(".build/debug/silver").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return "silver"
    }
}
