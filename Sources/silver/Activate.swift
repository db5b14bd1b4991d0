import ArgumentParser
import SilverLining

struct Activate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Switch every app server to an instance it already has (rollback with `prev`), or serve a deactivated location again.",
        discussion: """
              silver activate NODESET APP INSTANCE|prev       switch the app's instance
              silver activate NODESET LOCATION INSTANCE|prev  the same, for the location's app
              silver activate NODESET LOCATION                serve a location `silver deactivate` stopped

            A switch follows update's rules: the nodeset's lock, the first app server, then the \
            rest, each drained on the balancer while it switches. An app name has no dot or \
            slash; a location URL (www.example.com/blog) has one.
            """)

    @Argument(help: "A nodeset file (NAME.conf).")
    var nodeset: String

    @Argument(help: "The app's name, or a location URL.")
    var target: String

    @Argument(help: "An instance name (APP.YYYY-MM-DD_NNN), or `prev` for the one before the active one.")
    var instance: String?

    @Option(help: "How many app servers switch at once after the first (default: all the rest).")
    var batch: Int?

    @Flag(help: "Break the nodeset's deploy lock if another run holds it.")
    var forceUnlock = false

    @Option(help: "Seconds to watch the first app server after it switched before the rest switch (0: do not watch).")
    var soak = SilverLining.Update.defaultSoak

    @OptionGroup var options: WorkOptions

    func run() async throws {
        try await runCommand {
            let session = try options.open(nodeset)
            var app = target
            if LocationTarget.isLocation(target) {
                guard instance != nil else {
                    for node in try await RoutingChange(session: session).activate([target]) {
                        session.console.say((node.answer.changed ? "serves " : "already serves ") + target, node: node.node)
                    }
                    return
                }
                app = try session.nodeset.location(named: target).appName
            }
            guard let instance else {
                throw UsageError("give the instance to switch \(app) to, or prev", hint: "silver activate \(nodeset) \(app) prev")
            }
            var reactivation = Reactivation(session: session, app: app, instance: instance)
            reactivation.batch = batch
            reactivation.forceUnlock = forceUnlock
            reactivation.soak = soak
            let job = reactivation
            _ = try await Interrupts.cancelling(session.console) { try await job.run() }
        }
    }
}
