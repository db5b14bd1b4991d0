import Foundation
import SilverLining
import Testing

/// Growing and shrinking a serving nodeset with the `silver` command, under continuous load
/// through the balancer: create-node + setup-node + update to grow, delete-node to shrink,
/// with no failed request either way.
@Suite(.serialized, .enabled(if: IntegrationEnvironment.available, IntegrationEnvironment.skipReason))
struct ScalingTests {
    @Test func growAndShrinkUnderLoadWithNoFailedRequest() async throws {
        let fixture = LocalNodesetFixture("scl")
        let (conf, nodeset) = try fixture.conf(appservers: 2, services: ["mysql"], balancer: true)
        let host = "www.\(fixture.name).test"
        let silver = SilverCommand(home: fixture.home.path)
        let app3 = "app3.\(fixture.name).test"
        let mysqlNode = "mysql.\(fixture.name).test"
        func setAppServers(_ count: Int) throws {
            let text = try String(contentsOfFile: conf, encoding: .utf8)
            try text.replacing(/nodes = \d+/, with: "nodes = \(count)").write(toFile: conf, atomically: true, encoding: .utf8)
        }
        try await fixture.run(nodeset) { _ in
            try await silver.check(["create-node", conf])
            try await silver.check(["setup-node", conf])
            try await silver.check(["update", ExampleApp.directory, conf])
            let session = try fixture.session(nodeset)
            let balancer = try #require(await session.store.all().first { $0.role == .balancer }).address
            let nothing = try await silver.check(["delete-node", conf, "--yes"])
            #expect(nothing.contains("nothing to delete"), "\(nothing)")

            // Grow: a third app server joins while requests keep coming.
            let growing = try ContinuousLoad(balancer, host: host)
            try setAppServers(3)
            try await silver.check(["create-node", conf])
            try await silver.check(["setup-node", conf])
            try await silver.check(["update", ExampleApp.directory, conf])
            let grown = await growing.stop()
            print("growing from 2 to 3 app servers under load: \(grown)")
            #expect(grown.requests > 100 && grown.non2xx == 0 && grown.socketErrors == 0, "\(grown.output)")
            // The silver processes above recorded app3: a session opened now reads it.
            let grownSession = try fixture.session(nodeset)
            let app3Address = try #require(await grownSession.store.record(named: app3)).address
            #expect(try await grantedHosts(session, on: mysqlNode).contains(app3Address))

            // Shrink: lowering nodes leaves app3 recorded; --dry-run names it and changes nothing.
            try setAppServers(2)
            let dry = try await silver.check(["delete-node", conf, "--dry-run"])
            #expect(dry.contains("would delete: \(app3)"), "\(dry)")
            #expect(try await BalancerView.states(session, app: "hello").count == 3, "the dry run leaves app3 in the balancer")
            #expect(try await grantedHosts(session, on: mysqlNode).contains(app3Address))
            #expect(try await fixture.session(nodeset).store.record(named: app3) != nil)

            let shrinking = try ContinuousLoad(balancer, host: host)
            try await Task.sleep(for: .seconds(2))
            let deleted = try await silver.check(["delete-node", conf, "--yes"])
            try await Task.sleep(for: .seconds(2))
            let shrunk = await shrinking.stop()
            let drain = deleted.firstMatch(of: /drained in ([0-9.]+) s/).map { String($0.output.1) } ?? "?"
            print("shrinking from 3 to 2 app servers under load: \(shrunk); app3 drained in \(drain) s")
            #expect(shrunk.requests > 100 && shrunk.non2xx == 0 && shrunk.socketErrors == 0, "\(shrunk.output)")

            // Every trace of app3 is gone: the balancer, every node's topology and hosts block,
            // MariaDB's accounts, silver's record; the node itself.
            let states = try await BalancerView.states(session, app: "hello")
            #expect(states.keys.sorted() == ["app1.\(fixture.name).test", "app2.\(fixture.name).test"], "\(states)")
            let shrunkSession = try fixture.session(nodeset)
            #expect(await shrunkSession.store.record(named: app3) == nil)
            #expect(LocalLeftovers.pid(ofNode: app3, nodeset: fixture.name) == nil)
            for node in await shrunkSession.store.all() {
                let topology = try await shrunkSession.output("cat", ["/etc/silverlining/nodeset.conf"], on: node.name)
                #expect(topology.split(separator: "\n").filter { $0.hasPrefix("appserver = ") }.count == 2, "\(node.name): \(topology)")
                let hosts = try await shrunkSession.output("cat", ["/etc/hosts"], on: node.name)
                #expect(hosts.contains("app2.\(fixture.name).test") && !hosts.contains(app3) && !hosts.contains(app3Address + " "), "\(node.name): \(hosts)")
            }
            let granted = try await grantedHosts(session, on: mysqlNode)
            #expect(!granted.contains(app3Address) && granted.count == 2, "\(granted)")
            for _ in 0..<6 { #expect(try await Visitor.get(balancer, host: host).status == 200) }

            // The database node holds hello's data: refused, with the way to keep it.
            let refused = try await CommandRunner().run(
                Command(SilverBinary.path, ["delete-node", conf, mysqlNode, "--yes"]), environment: ["SILVER_HOME": fixture.home.path])
            #expect(refused.status == 2, "\(refused.transcript)")
            #expect(refused.errorText.contains("holds the mysql data of hello") && refused.errorText.contains("silver backup"), "\(refused.transcript)")
            #expect(try await grantedHosts(session, on: mysqlNode).count == 2, "nothing changed on \(mysqlNode)")
        }
        #expect(LocalLeftovers.of(nodeset: fixture.name).isEmpty)
    }

    /// The addresses MariaDB lets hello's user in from, by real SQL on the database node.
    func grantedHosts(_ session: NodesetSession, on node: String) async throws -> Set<String> {
        let hosts = try await session.output("mysql", ["-N", "-e", "SELECT Host FROM mysql.user WHERE User = 'hello'"], on: node)
        return Set(hosts.split(separator: "\n").map(String.init))
    }
}
