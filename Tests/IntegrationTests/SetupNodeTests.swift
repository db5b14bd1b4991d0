import Foundation
import SilverLining
import Testing

@Suite(.serialized, .enabled(if: IntegrationEnvironment.available, IntegrationEnvironment.skipReason))
struct SetupNodeTests {
    @Test func setsUpEveryRoleAndTheTopologyEverywhere() async throws {
        let fixture = LocalNodesetFixture("setup")
        let domain = "\(fixture.name).test"
        let location = [Location(url: "http://www.\(domain)/", appName: "hello")]
        let four = fixture.nodeset(appservers: 2, services: ["mysql": 1], balancer: true, locations: location)
        let five = fixture.nodeset(appservers: 3, services: ["mysql": 1], balancer: true, locations: location)
        let hosts = NSTemporaryDirectory() + "hosts-\(fixture.name)"
        try "127.0.0.1 localhost\n".write(toFile: hosts, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: hosts) }

        try await fixture.run(five) { _ in
            let session = try fixture.session(four)
            try await NodeCreation(session: session).run()
            let first = try await NodeSetup(session: session, localHostsFile: hosts).run()
            #expect(first.values.allSatisfy { !$0.isEmpty })
            let records = await session.store.all()
            #expect(records.count == 4)

            // Every node's topology file and /etc/hosts block name all four nodes.
            for node in records {
                let topology = try await session.output("cat", ["/etc/silverlining/nodeset.conf"], on: node.name)
                let etcHosts = try await session.output("cat", ["/etc/hosts"], on: node.name)
                for other in records {
                    #expect(topology.contains("\(other.role.topologyKey) = \(other.name) \(other.address)"))
                    #expect(etcHosts.contains("\(other.address) \(other.name)"))
                }
            }
            let local = try String(contentsOfFile: hosts, encoding: .utf8)
            #expect(local.contains("# BEGIN silverlining nodeset \(fixture.name)"))
            #expect(local.hasPrefix("127.0.0.1 localhost\n"))

            let app1 = records.first { $0.name == "app1.\(domain)" }!
            let app2 = records.first { $0.name == "app2.\(domain)" }!
            let mysql = records.first { $0.role == .service("mysql") }!
            let balancer = records.first { $0.role == .balancer }!
            let resolved = try await session.output("getent", ["hosts", app2.name], on: app1.name)
            #expect(resolved.hasPrefix(app2.address + " "))

            // The balancer answers on port 80 before any app is deployed (no app yet: 503).
            let status = try await CommandRunner().check(Command(
                "curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: www.\(domain)", "http://\(balancer.address)/"])).text
            #expect(status == "503")

            // MySQL is open to app servers only; the balancer is refused at once.
            #expect(try await session.connect(from: app1.name, to: mysql.address, port: 3306) == "open")
            #expect(try await session.connect(from: balancer.name, to: mysql.address, port: 3306).contains("refused"))
            // App servers' nginx is open to the balancer only.
            #expect(try await session.connect(from: balancer.name, to: app1.address, port: 80) == "open")
            #expect(try await session.connect(from: mysql.name, to: app1.address, port: 80).contains("refused"))

            // Again: nothing changes, and a dry run says so too.
            let second = try await NodeSetup(session: session, localHostsFile: hosts).run()
            #expect(second.values.allSatisfy { $0.isEmpty }, "\(second)")
            let dry = try await NodeSetup(session: session, dryRun: true, localHostsFile: hosts).run()
            #expect(dry.values.allSatisfy { $0.isEmpty })

            // A third app server joins every topology file and HAProxy's backends.
            let bigger = try fixture.session(five)
            let wouldChange = try await NodeCreation(session: bigger).run()
            #expect(wouldChange.created == ["app3.\(domain)"])
            let before = try await session.output("cat", ["/etc/silverlining/nodeset.conf"], on: app1.name)
            let dryRun = try await NodeSetup(session: bigger, dryRun: true, localHostsFile: hosts).run()
            #expect(dryRun[app1.name]?.contains("wrote /etc/silverlining/nodeset.conf") == true)
            #expect(try await session.output("cat", ["/etc/silverlining/nodeset.conf"], on: app1.name) == before, "a dry run changes nothing")
            try await NodeSetup(session: bigger, localHostsFile: hosts).run()
            let app3 = await bigger.store.record(named: "app3.\(domain)")!
            for node in await bigger.store.all() {
                let topology = try await bigger.output("cat", ["/etc/silverlining/nodeset.conf"], on: node.name)
                #expect(topology.contains("appserver = \(app3.name) \(app3.address)"))
            }
            let backends = try await bigger.output("cat", ["/etc/haproxy/haproxy.cfg"], on: balancer.name)
            #expect(backends.contains("server \(app3.name) \(app3.address):80 check"))
            #expect(try await bigger.connect(from: app3.name, to: mysql.address, port: 3306) == "open")
        }
        #expect(LocalLeftovers.of(nodeset: fixture.name).isEmpty)
    }
}

extension NodesetSession {
    /// Tries a TCP connection from one node to an address: "open", or the error's text.
    func connect(from node: String, to address: String, port: Int) async throws -> String {
        try await output("python3", ["-c", """
            import socket
            try:
                socket.create_connection(("\(address)", \(port)), 3).close()
                print("open")
            except Exception as error:
                print(error)
            """], on: node)
    }
}
