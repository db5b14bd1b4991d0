import ArgumentParser
import SilverLining

struct CleanInstances: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean", abstract: "Remove old instances from the app servers (never an active one).")

    @Argument(help: "A nodeset file (NAME.conf).")
    var nodeset: String

    @Argument(help: "Only this app (default: every app).")
    var app: String?

    @Option(help: "Old instances to keep per app on each node.")
    var keep = 0

    @OptionGroup var options: WorkOptions

    func run() async throws {
        try await runCommand {
            let session = try options.open(nodeset)
            let removed = try await AppServerCommands(session: session, app: app ?? "").clean(keep: keep, allApps: app == nil)
            for node in removed.keys.sorted() {
                let names = removed[node]!
                session.console.say(names.isEmpty ? "nothing to remove" : "removed " + names.joined(separator: " "), node: node)
            }
        }
    }
}
