import ArgumentParser
import Foundation
import SilverLining

struct ListNodes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-nodes",
        abstract: "List a nodeset's nodes with their role, address and state.",
        discussion: "Without a nodeset, lists every nodeset silver has made nodes for on this machine."
    )

    @Argument(help: "A nodeset file (NAME.conf); default: every nodeset silver remembers.")
    var nodeset: String?

    @Flag(help: "Print JSON for scripts.")
    var json = false

    @OptionGroup var options: WorkOptions

    func run() async throws {
        try await runCommand {
            let files: [String]
            if let nodeset { files = [nodeset] } else { files = try await RecordedNodesets.files(home: SilverHome()) }
            var all: [String: [NodeListing.Row]] = [:]
            for file in files {
                let session = try options.open(file)
                let rows = await NodeListing(session: session).rows()
                all[session.nodeset.name] = rows
                if !json {
                    if nodeset == nil { print("\(session.nodeset.name) (\(file))") }
                    print(NodeListing.table(rows), terminator: "")
                }
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                let value: any Encodable = nodeset == nil ? all : all.values.first ?? []
                print(String(decoding: try encoder.encode(value), as: UTF8.self))
            }
        }
    }
}
