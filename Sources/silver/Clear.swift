import ArgumentParser
import SilverLining

struct Clear: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Empty an app's data in every service it uses, keeping databases, users and passwords.",
        discussion: """
            Databases are dropped and made again, empty; files and writable_root are emptied on \
            every app server. Asks first unless --yes is given. With APP as the app's \
            directory, the services its app.ini names are emptied; with its name, every \
            service holding data for it.
            """
    )

    @Argument(help: "A nodeset file (NAME.conf).")
    var nodeset: String

    @Argument(help: "The app: its directory (holding app.ini), or its name.")
    var app: String

    @Flag(name: [.short, .long], help: "Do not ask for confirmation.")
    var yes = false

    @OptionGroup var options: WorkOptions

    func run() async throws {
        try await runCommand {
            let reference = try AppReference.parse(app)
            let session = try options.openNodeset(nodeset)
            let backup = ServiceBackup(context: try await ServiceContext.open(session: session))
            let kinds = try await backup.kinds(for: reference)
            guard !kinds.isEmpty else {
                session.console.say("\(reference.appName) has no service data on \(session.nodeset.name); nothing to clear")
                return
            }
            try confirm(
                "Empty \(reference.appName)'s data in \(kinds.map(\.rawValue).joined(separator: ", ")) on \(session.nodeset.name)? This cannot be undone.",
                yes: yes)
            try await backup.clear(app: reference.appName, kinds: kinds)
        }
    }
}
