import ArgumentParser
import Foundation
import SilverLining

struct Query: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what each app server runs: active instance, older ones, health.")

    @Argument(help: "A nodeset file (NAME.conf).")
    var nodeset: String

    @Argument(help: "Only this app (default: every app).")
    var app: String?

    @Flag(help: "Print JSON for scripts.")
    var json = false

    @OptionGroup var options: WorkOptions

    func run() async throws {
        try await runCommand {
            let rows = try await FleetQuery(session: try options.open(nodeset)).rows(app: app)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(rows), as: UTF8.self))
            } else {
                print(FleetQuery.table(rows), terminator: "")
            }
        }
    }
}
