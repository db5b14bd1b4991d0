import ArgumentParser
import SilverLining

struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a nodeset or an app as silver understands it.",
        discussion: """
            For a nodeset (NAME.conf): its provider (secrets masked), every node with its \
            role, size and address ("-" until create-node has made it), and the topology \
            lines written to the nodes. For an app directory: its resolved app.ini. \
            Warnings go to standard error.
            """
    )

    @Argument(help: "A nodeset file (anything containing .conf) or an app directory holding app.ini.")
    var target: String

    @Flag(help: "Print JSON for scripts instead of text (secrets are masked).")
    var json = false

    func run() async throws {
        try await runCommand {
            let report = try await ShowReport.make(argument: target, json: json)
            for warning in report.warnings { Console.standardStreams(.error, warning + "\n") }
            print(report.output, terminator: report.output.hasSuffix("\n") ? "" : "\n")
        }
    }
}
