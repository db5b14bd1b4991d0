import ArgumentParser
import SilverLining

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a one-off command in an app's environment on the first app server.",
        discussion: "The command runs as the app's user, in its active instance's directory, with its environment (services included). Its exit status becomes silver's.")

    @Argument(help: "A nodeset file (NAME.conf).")
    var nodeset: String

    @Argument(help: "The app's name.")
    var app: String

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String]

    @OptionGroup var options: WorkOptions

    func run() async throws {
        try await runCommand {
            guard !command.isEmpty else { throw UsageError("give the command after --, e.g. silver run foobar.conf blog -- python3 manage.py migrate") }
            let status = try await AppServerCommands(session: try options.open(nodeset), app: app).run(command) { stream, line in
                Console.standardStreams(stream == .output ? .output : .error, line + "\n")
            }
            if status != 0 { throw ExitCode(status) }
        }
    }
}
