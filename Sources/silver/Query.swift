import ArgumentParser
import Foundation
import SilverLining

struct Query: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what each app server runs (active instance, older ones, health) and each database node's role and lag.")

    @Argument(help: "A nodeset file (NAME.conf).")
    var nodeset: String

    @Argument(help: "Only this app (default: every app).")
    var app: String?

    @Flag(help: "Print JSON for scripts.")
    var json = false

    @OptionGroup var options: WorkOptions

    struct Answer: Encodable {
        var apps: [FleetQuery.Row]
        var databases: [DatabaseQuery.Row]
    }

    func run() async throws {
        try await runCommand {
            let session = try options.open(nodeset)
            let rows = try await FleetQuery(session: session).rows(app: app)
            let databases = try await DatabaseQuery(session: session).rows()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(Answer(apps: rows, databases: databases)), as: UTF8.self))
            } else {
                print(FleetQuery.table(rows), terminator: "")
                if !databases.isEmpty { print("\n" + DatabaseQuery.table(databases), terminator: "") }
            }
        }
    }
}
