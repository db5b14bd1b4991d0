import Foundation
import SilverLining
import Testing

@Suite(.serialized, .enabled(if: IntegrationEnvironment.available, IntegrationEnvironment.skipReason))
struct LocalProviderTests {
    @Test func threeNodesAreRealServers() async throws {
        let fixture = LocalNodesetFixture("lp")
        let nodeset = fixture.nodeset(appservers: 2, services: ["mysql": 1])
        try await fixture.run(nodeset) { session in
            let report = try await NodeCreation(session: session).run()
            #expect(report.created.count == 3)
            let records = await session.store.all()
            #expect(Set(records.map(\.address)).count == 3)

            for record in records {
                #expect(try await session.output("hostname", on: record.name) == record.name)
                let state = try await session.ssh.run(Command("systemctl", ["is-system-running", "--wait"]), on: record.reach).text
                #expect(["running", "degraded"].contains(state.trimmingCharacters(in: .whitespacesAndNewlines)))
            }
            let allKeys = records.flatMap(\.hostKeys)
            #expect(Set(allKeys).count == allKeys.count, "host keys must differ between nodes")

            // A node reaches another by address.
            let reach = try await session.output(
                "python3", ["-c", "import socket; socket.create_connection(('\(records[1].address)', 22), 3); print('ok')"],
                on: records[0].name)
            #expect(reach == "ok")

            // apt works inside a node, through the cache on the bridge.
            try await session.ssh.check(Command("apt-get", ["update", "--error-on=any", "-q"]), on: records[0].reach)
            try await session.ssh.check(Command("apt-get", ["install", "-y", "-q", "tree"]), on: records[0].reach)
            #expect(try await session.output("tree", ["--version"], on: records[0].name).hasPrefix("tree"))

            // Running it again changes nothing.
            // The nodes' containers, by pid: a restarted node has a new one. (Processes inside
            // the nodes, such as SSH sessions ending, come and go on their own.)
            func containers() -> [String] { LocalLeftovers.of(nodeset: nodeset.name).processes.filter { $0.contains("systemd-nspawn") } }
            let processesBefore = containers()
            #expect(processesBefore.count == 3)
            let again = try await NodeCreation(session: session).run()
            #expect(again.unchanged.count == 3)
            #expect(again.created.isEmpty && again.started.isEmpty)
            #expect(await session.store.all() == records)
            #expect(containers() == processesBefore, "no node was restarted")
        }
        let leftovers = LocalLeftovers.of(nodeset: nodeset.name)
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test func raisingNodesAddsExactlyOne() async throws {
        let fixture = LocalNodesetFixture("scale")
        let two = fixture.nodeset(appservers: 2)
        try await fixture.run(fixture.nodeset(appservers: 3)) { _ in
            let first = try await NodeCreation(session: try fixture.session(two)).run()
            #expect(first.created.count == 2)
            let second = try await NodeCreation(session: try fixture.session(fixture.nodeset(appservers: 3))).run()
            #expect(second.created == ["app3.\(fixture.name).test"])
            #expect(second.unchanged.count == 2)
        }
        #expect(LocalLeftovers.of(nodeset: two.name).isEmpty)
    }
}
