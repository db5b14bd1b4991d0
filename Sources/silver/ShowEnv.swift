import ArgumentParser
import SilverLining

struct ShowEnv: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show-env",
        abstract: "Print the environment an app's active instance runs with.",
        discussion: """
            Read from the first app server: service settings (CONFIG_MYSQL_*, CONFIG_PG_*, \
            DATABASE_URL, ...), silver's own SILVER_* variables and the app's env.* values. \
            Passwords, and the password inside database URLs, are shown as ******** unless \
            --reveal is given.
            """
    )

    @Argument(help: "A nodeset file (NAME.conf).")
    var nodeset: String

    @Argument(help: "The app: its directory (holding app.ini), or its name.")
    var app: String

    @Flag(help: "Print passwords as they are instead of masking them.")
    var reveal = false

    @Flag(help: "Print one JSON object, name to value, for scripts (passwords masked unless --reveal).")
    var json = false

    @OptionGroup var options: WorkOptions

    func run() async throws {
        try await runCommand {
            let reference = try AppReference.parse(app)
            let session = try options.openNodeset(nodeset)
            let variables = try await AppServerCommands(session: session, app: reference.appName).environment()
            let report = json ? ServiceEnvironmentReport.json(variables, reveal: reveal) : ServiceEnvironmentReport.render(variables, reveal: reveal)
            print(report, terminator: "")
        }
    }
}
