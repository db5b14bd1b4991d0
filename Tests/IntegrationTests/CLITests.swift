import Foundation
import SilverLining
import Testing

/// create-node, list-nodes and destroy-node through the built `silver` binary, on a nodeset
/// file as a user writes one.
@Suite(.serialized, .enabled(if: IntegrationEnvironment.available, IntegrationEnvironment.skipReason))
struct CLITests {
    struct Row: Decodable {
        var name: String
        var role: String
        var address: String
        var state: String
    }

    @Test func createListAndDestroyANodesetFile() async throws {
        let file = try NodesetFile("cli") { name in
            """
            [general]
            name = \(name)
            base_domain = \(name).test

            [appserver]
            nodes = 1

            [service:postgresql]
            nodes = 1

            """
        }
        let nodes = ["app1.\(file.name).test", "postgresql.\(file.name).test"]
        try await file.run {
            let created = try await SilverCLI.run(["create-node", file.path], environment: file.environment)
            #expect(created.status == 0, "\(created.transcript)")
            for node in nodes {
                #expect(created.text.split(separator: "\n").contains { $0.hasPrefix("\(node) | created (") }, "\(created.transcript)")
            }

            let listed = try await SilverCLI.run(["list-nodes", file.path, "--json"], environment: file.environment)
            #expect(listed.status == 0, "\(listed.transcript)")
            let rows = try JSONDecoder().decode([Row].self, from: Data(listed.output))
            #expect(rows.map(\.name) == nodes)
            #expect(rows.allSatisfy { $0.state == "running" && $0.address.split(separator: ".").count == 4 }, "\(listed.text)")

            let table = try await SilverCLI.run(["list-nodes", file.path], environment: file.environment)
            #expect(table.status == 0, "\(table.transcript)")
            for row in rows {
                let line = table.text.split(separator: "\n").first { $0.hasPrefix(row.name + " ") }
                let words = line?.split(separator: " ").map(String.init) ?? []
                #expect(words.contains(row.address) && words.last == "running", "\(table.text)")
            }

            let rescanned = try await SilverCLI.run(["create-node", file.path, "--rescan-host-keys"], environment: file.environment)
            #expect(rescanned.status == 0, "\(rescanned.transcript)")
            #expect(rescanned.text.contains("\(nodes[0]) | host keys unchanged"), "\(rescanned.transcript)")

            // Without --yes and without a terminal to ask at, nothing is destroyed.
            let refused = try await SilverCLI.run(["destroy-node", file.path], environment: file.environment)
            #expect(refused.status == 2, "\(refused.transcript)")
            #expect(refused.errorText.contains("--yes"), "\(refused.transcript)")
            let after = try await SilverCLI.run(["list-nodes", file.path, "--json"], environment: file.environment)
            #expect(try JSONDecoder().decode([Row].self, from: Data(after.output)).map(\.state) == ["running", "running"])

            let destroyed = try await SilverCLI.run(["destroy-node", file.path, "--yes"], environment: file.environment)
            #expect(destroyed.status == 0, "\(destroyed.transcript)")
            for node in nodes {
                #expect(destroyed.text.contains("\(node) | destroyed"), "\(destroyed.transcript)")
            }
            let leftovers = LocalLeftovers.of(nodeset: file.name)
            #expect(leftovers.isEmpty, "\(leftovers)")
            #expect(!FileManager.default.fileExists(atPath: file.environment["SILVER_HOME"]! + "/nodesets/" + file.name))
        }
        #expect(LocalLeftovers.of(nodeset: file.name).isEmpty)
    }
}
