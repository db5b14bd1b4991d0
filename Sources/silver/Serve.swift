import ArgumentParser
import SilverLining

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve an app on this machine for development, restarting it when a file changes.",
        discussion: """
            The app gets the environment it gets on an app server, in development form: \
            SILVER_VERSION=devel/..., SILVER_INSTANCE_NAME=localhost, SILVER_LOGS in the app's \
            silver-logs/, TEMP, SILVER_APP_CONFIG (--config, or config.default), and its services \
            from the [devel] and [devel:APP] sections of ~/.silverlining.conf as Silver Lining \
            read them (mysql.host = ..., with APP_NAME replaced by the app's name). static/ is \
            served as nginx serves it; update_fetch runs once, marked as silver's own, when the \
            app first answers. Python apps load through the app servers' own loader on Python's \
            wsgiref server; PHP apps run on `php -S`; `command` apps run as they are, behind the \
            same server.
            """)

    @Argument(help: "The app's directory (holding app.ini).")
    var appDirectory: String

    @Option(help: "The port to serve on.")
    var port = 8080

    @Option(help: "The address to serve on (127.0.0.1 is this machine only, 0.0.0.0 every interface).")
    var host = "127.0.0.1"

    @Option(help: "A configuration directory for the app ($SILVER_APP_CONFIG).")
    var config: String?

    @Flag(name: .shortAndLong, help: "Print more about what happens.")
    var verbose = false

    func run() async throws {
        try await runCommand {
            let app = try AppLoader.load(directory: appDirectory)
            let console = Console(verbose: verbose)
            for warning in app.warnings { console.diagnostic(warning) }
            var server = DevelServer(app: app, console: console)
            server.port = port
            server.host = host
            server.configDirectory = config
            let job = server
            // Ctrl-C or SIGTERM stops the app's processes before silver exits.
            try await Interrupts.cancelling(console) { try await job.run() }
        }
    }
}
