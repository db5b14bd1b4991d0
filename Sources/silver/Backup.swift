import ArgumentParser
import SilverLining

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Save an app's data from every service it uses, as Silver Lining laid it out.",
        discussion: """
            DEST becomes a directory with one folder per service (mysql/mysql.dump, \
            postgresql/postgresql.pgdump, postgis/postgis.pgdump made by pg_dump -Fc, \
            files/files.tar, writable_root/writable_root.tar), or one archive of the same when \
            it ends in .tar.gz. It must not exist yet, and appears only once every service is \
            saved. files and writable_root are taken from the first app server (each app \
            server has its own copy). Give APP as the app's directory to save the services its \
            app.ini names, or as its name to save every service holding data for it.
            """
    )

    @Argument(help: "A nodeset file (NAME.conf).")
    var nodeset: String

    @Argument(help: "The app: its directory (holding app.ini), or its name.")
    var app: String

    @Argument(help: "Where to write: a new directory, or a new file ending in .tar.gz.")
    var destination: String

    @OptionGroup var options: WorkOptions

    func run() async throws {
        try await runCommand {
            let reference = try AppReference.parse(app)
            let context = try await ServiceContext.open(session: try options.openNodeset(nodeset))
            try await ServiceBackup(context: context).backup(app: reference, to: destination)
        }
    }
}
