import ArgumentParser
import Foundation
import SilverLining

struct Update: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Deploy an app to a nodeset with zero downtime.",
        discussion: """
            The app's app.ini names it; the nodeset's [appserver] locations say where it is \
            served. In order: take the nodeset's deploy lock; set up the app's services on \
            their nodes; upload a new instance (/var/www/APP.YYYY-MM-DD_NNN, only changed \
            files travel) to every app server in parallel and start it, healthy but not yet \
            routed; switch the first app server to it and run update_fetch there; then switch \
            the rest. Each app server is drained on the balancer while it switches.

            If anything fails before or on the first app server, the old version keeps \
            serving everywhere. If a later app server fails, the rollout stops and says which \
            node serves which instance. Ctrl-C is handled the same way.

            Without a nodeset, the app goes to app.ini's default_location: a location URL \
            of a nodeset silver has made nodes for on this machine ($SILVER_HOME/nodesets). \
            A location URL as the second argument is looked up the same way.
            """
    )

    @Argument(help: "The app's directory (holding app.ini).")
    var appDirectory: String

    @Argument(help: "A nodeset file (NAME.conf), or one of a nodeset's location URLs (default: app.ini's default_location).")
    var target: String?

    @Option(help: "The location URL to deploy to, when the app has several.")
    var location: String?

    @Option(help: "A directory uploaded beside the instance; the app finds it in $SILVER_APP_CONFIG.")
    var config: String?

    @Option(help: "How many app servers switch at once after the first (default: all the rest).")
    var batch: Int?

    @Option(help: "Old instances to keep on each node.")
    var keep = 5

    @Option(help: ArgumentHelp(
        "Seconds to watch the first app server after it switched before the rest switch (0: do not watch).",
        discussion: "A restart of the new instance or a failed health check meanwhile switches it back and stops the update. Later batches are watched a third as long."))
    var soak = SilverLining.Update.defaultSoak

    @Flag(help: "Break the nodeset's deploy lock if another run holds it (it says who held it).")
    var forceUnlock = false

    @Option(help: "Seconds to wait for another deploy's lock before giving up.")
    var lockWait = 0

    @Flag(help: "Empty the app's services' data before deploying.")
    var clear = false

    @OptionGroup var options: WorkOptions

    func run() async throws {
        try await runCommand {
            let app = try AppLoader.load(directory: appDirectory)
            let chosen = try await UpdateTarget.resolve(argument: target, location: location, app: app, home: SilverHome())
            let session = try options.open(chosen.nodesetFile)
            for warning in app.warnings { session.console.diagnostic(warning) }
            var update = SilverLining.Update(session: session, app: app)
            update.location = chosen.location
            update.configDirectory = config
            update.batch = batch
            update.keep = keep
            update.forceUnlock = forceUnlock
            update.lockWait = .seconds(lockWait)
            update.clear = clear
            update.soak = soak
            let job = update
            _ = try await Interrupts.cancelling(session.console) { try await job.run() }
        }
    }
}
