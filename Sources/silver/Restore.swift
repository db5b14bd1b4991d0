import ArgumentParser
import SilverLining

struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replace an app's data with a backup (source first, as with cp).",
        discussion: """
            SOURCE is what `silver backup` wrote: a directory with one folder per service, or a \
            .tar.gz archive of one. Each service in it is emptied and loaded from the backup, \
            setting the service up for the app first if needed; files and writable_root are \
            restored on every app server. With APP as the app's directory, only the services \
            its app.ini names are restored; with its name, every service in the backup.
            """
    )

    @Argument(help: "The backup: a directory, or a file ending in .tar.gz.")
    var source: String

    @Argument(help: "A nodeset file (NAME.conf).")
    var nodeset: String

    @Argument(help: "The app: its directory (holding app.ini), or its name.")
    var app: String

    @OptionGroup var options: WorkOptions

    func run() async throws {
        try await runCommand {
            let reference = try AppReference.parse(app)
            let context = try await ServiceContext.open(session: try options.openNodeset(nodeset))
            try await ServiceBackup(context: context).restore(app: reference, from: source)
        }
    }
}
