import ArgumentParser
import SilverLining

struct Logs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print an app's log from every app server, each line prefixed with its node.")

    @Argument(help: "A nodeset file (NAME.conf).")
    var nodeset: String

    @Argument(help: "The app's name.")
    var app: String

    @Flag(name: .shortAndLong, help: "Keep printing new lines until interrupted.")
    var follow = false

    @Option(name: [.customShort("n"), .long], help: "Lines from the end of each log.")
    var lines = 50

    @OptionGroup var options: WorkOptions

    func run() async throws {
        try await runCommand {
            try await AppServerCommands(session: try options.open(nodeset), app: app).logs(lines: lines, follow: follow)
        }
    }
}
