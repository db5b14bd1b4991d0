import ArgumentParser
import SilverLining

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an app's script (from its bin/ first), or a command, on an app server in the app's environment.",
        discussion: """
              silver run LOCATION SCRIPT [ARGS...]          Silver Lining's form: a location URL names the app
              silver run NODESET APP SCRIPT [ARGS...]
              silver run NODESET APP -- COMMAND [ARGS...]   a command as it is: nothing looked up or uploaded

            SCRIPT is bin/SCRIPT of the active instance if there is one, else a path in the \
            instance, else a program on the node's PATH (python3 gives a prompt with -i). Python \
            scripts run with the app's lib/python on the path. Arguments that name local files or \
            directories (also --option=FILE) are uploaded and replaced by their paths on the app \
            server; they are removed when the script ends. It runs in the active instance's \
            directory, with its environment (services included). Its exit status becomes \
            silver's. silver's options go before LOCATION or NODESET; everything after is the \
            script's.
            """)

    @Flag(name: .shortAndLong, help: "Give the script a terminal on the node (for a shell or a prompt).")
    var interactive = false

    @Option(help: "The app server to run on (default: the first).")
    var node: String?

    @Option(help: "Who runs it: www-data (the app's user), or root (www-mgr, Silver Lining's deploy user, is root here).")
    var user = RemoteRun.User.app.rawValue

    @OptionGroup var options: WorkOptions

    @Argument(parsing: .captureForPassthrough, help: "LOCATION SCRIPT [ARGS], or NODESET APP SCRIPT [ARGS], or NODESET APP -- COMMAND.")
    var words: [String] = []

    func validate() throws {
        guard RemoteRun.User(rawValue: user) != nil else {
            throw ValidationError("--user is one of " + RemoteRun.User.allCases.map(\.rawValue).joined(separator: ", "))
        }
    }

    func run() async throws {
        try await runCommand {
            guard let target = words.first else { throw UsageError("give a location URL and a script", hint: "silver run www.example.com/blog SCRIPT") }
            var rest = Array(words.dropFirst())
            let session: NodesetSession
            let app: String
            if case .nodeset = Target(argument: target) {
                guard !rest.isEmpty else { throw UsageError("give the app after the nodeset", hint: "silver run \(target) APP SCRIPT") }
                app = rest.removeFirst()
                session = try options.open(try await LocationTarget.nodesetFile(given: target, home: SilverHome()))
            } else {
                session = try options.open(try await LocationTarget.nodesetFile(given: nil, location: target, home: SilverHome()))
                app = try session.nodeset.location(named: target).appName
            }
            let command = rest.first == "--"
            if command { rest.removeFirst() }
            guard !rest.isEmpty else { throw UsageError("give the script to run", hint: "silver run \(target) SCRIPT [ARGS...]") }
            var remote = RemoteRun(session: session, app: app, words: rest)
            remote.command = command
            remote.node = node
            remote.user = RemoteRun.User(rawValue: user) ?? .app
            remote.interactive = interactive
            if remote.user == .manager { session.console.warn("silver has no www-mgr user; running as root") }
            let status = try await remote.run { stream, line in
                Console.standardStreams(stream == .output ? .output : .error, line + "\n")
            }
            if status != 0 { throw ExitCode(status) }
        }
    }
}
