import Foundation
import SilverLining
import Testing

/// create-node, list-nodes and destroy-node on Nova servers that never answer SSH (mimic's),
/// through NodeCreation and through the built `silver` binary with the design note's own
/// nodeset. mimic's addresses lead nowhere: `ssh_wait = false` keeps silver off them.
extension NovaMimicTests {
    @Test("servers that never answer SSH stay recorded: list-nodes shows them, a re-run makes nothing, destroy-node removes all")
    func unansweredServersStayRecorded() async throws {
        let server = try server()
        let account = try await server.account("quiet")
        try await account.publishDebian12()
        let settings = Support.settings(server, username: "quiet")
        let home = try ScratchDirectory()
        let session = try NodesetSession(
            nodeset: Support.nodeset("quiet", appservers: 2, mysql: true, provider: settings), provider: try Support.provider(settings),
            home: SilverHome(path: home.path), console: .silent)

        let error = try await #require(throws: FanOutError.self) { try await NodeCreation(session: session).run() }
        #expect(error.failures.count == 3)
        #expect(error.failures.allSatisfy { "\($0.error)".contains("ssh_wait = false") })
        let servers = try await live(account)
        #expect(servers.count == 3)
        let rows = await NodeListing(session: session).rows()
        #expect(rows.map(\.state) == Array(repeating: "running, unfinished", count: 3))
        #expect(Set(rows.map(\.id)) == Set(servers.map(\.id)))
        #expect(Set(rows.map(\.address)) == Set(servers.compactMap(\.address)))
        await #expect(throws: NodeSelectionError.unfinished(rows.map(\.name), nodeset: "quiet")) { try await session.topology() }

        _ = try? await NodeCreation(session: session).run()
        #expect(Set(try await live(account).map(\.id)) == Set(servers.map(\.id)))

        #expect(try await NodeDestruction(session: session).run().count == 3)
        #expect(try await live(account).isEmpty)
        #expect(try await account.keyPairNames().isEmpty)
    }

    @Test("the design note's foobar.conf against mimic: 10 app servers, a MySQL node and a balancer; a second run makes nothing; destroy-node removes all")
    func notesExampleThroughTheCLI() async throws {
        let server = try server()
        let account = try await server.account("foobar")
        try await account.publishDebian12()
        let scratch = try ScratchDirectory()
        let file = try scratch.write(
            "foobar-mimic.conf",
            """
            [general]
            extends = \(Fixtures.packageRoot)/examples/foobar.conf

            [provider]
            endpoint = \(server.identityURL)
            ssh_wait = false

            """)
        let environment = scratch.environment([
            "SILVER_HOME": scratch.path + "/home", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ])
        let names = (1...10).map { "app\($0).foobar.com" } + ["mysql.foobar.com", "balancer.foobar.com"]

        let sizes = try SilverBinary.run(["list-sizes", file], environment: environment)
        #expect(sizes.status == 0, "\(sizes.transcript)")
        #expect(sizes.output.split(separator: "\n").dropFirst().first?.hasPrefix("2 ") == true, "\(sizes.output)")
        #expect(sizes.output.contains("flavors in DFW, smallest first"), "\(sizes.output)")
        let images = try SilverBinary.run(["list-images", file], environment: environment)
        #expect(images.status == 0, "\(images.transcript)")
        #expect(images.output.contains("  Debian 12 (Bookworm) (PVHVM)\n"), "\(images.output)")

        let first = try SilverBinary.run(["create-node", file], environment: environment)
        #expect(first.status == 1, "\(first.transcript)")
        #expect(first.errorOutput.contains("12 nodes failed"), "\(first.transcript)")
        #expect(first.errorOutput.contains("app10.foobar.com: server "), "\(first.transcript)")
        #expect(first.errorOutput.contains("did not wait for it to answer on SSH ([provider] ssh_wait = false)"), "\(first.transcript)")
        #expect(!first.output.contains("XXX") && !first.errorOutput.contains("XXX"))
        let servers = try await live(account)
        #expect(servers.map(\.name).sorted() == names.sorted())
        #expect(servers.allSatisfy { $0.metadata["silver:nodeset"] == "my-server-setup" })
        #expect(servers.filter { $0.name.hasPrefix("app") }.allSatisfy { $0.flavorID == "2" })  // ram 256MB

        let listed = try SilverBinary.run(["list-nodes", file], environment: environment)
        #expect(listed.status == 0, "\(listed.transcript)")
        let lines = listed.output.split(separator: "\n").map(String.init)
        #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true) == ["NAME", "ROLE", "ADDRESS", "ID", "STATE"])
        for made in servers {
            let line = try #require(lines.first { $0.hasPrefix(made.name + " ") }, "\(listed.output)")
            let words = line.split(separator: " ").map(String.init)
            #expect(words.contains(made.address ?? "?") && words.contains(made.id), "\(line)")
            #expect(line.hasSuffix("running, unfinished"), "\(line)")
        }

        let second = try SilverBinary.run(["create-node", file], environment: environment)
        #expect(second.status == 1, "\(second.transcript)")
        #expect(!second.output.contains("created server"), "\(second.transcript)")
        #expect(Set(try await live(account).map(\.id)) == Set(servers.map(\.id)))

        let destroyed = try SilverBinary.run(["destroy-node", file, "--yes"], environment: environment)
        #expect(destroyed.status == 0, "\(destroyed.transcript)")
        for name in names { #expect(destroyed.output.contains("\(name) | destroyed"), "\(destroyed.transcript)") }
        #expect(try await live(account).isEmpty)
        #expect(try await account.keyPairNames().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/home/nodesets/my-server-setup"))
    }
}
