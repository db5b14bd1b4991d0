import ArgumentParser
import SilverLining

struct Diff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List how a local app directory differs from the active instance (+ new, - deleted, M changed).")

    @Argument(help: "The app's directory (holding app.ini).")
    var appDirectory: String

    @Argument(help: "A nodeset file (NAME.conf).")
    var nodeset: String

    @OptionGroup var options: WorkOptions

    func run() async throws {
        try await runCommand {
            let app = try AppLoader.load(directory: appDirectory)
            let changes = try await AppServerCommands(session: try options.open(nodeset), app: app.appName).diff(appDirectory: appDirectory)
            print(changes.isEmpty ? "no differences" : changes.joined(separator: "\n"))
        }
    }
}
