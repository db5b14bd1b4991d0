import ArgumentParser
import SilverLining

struct Failover: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a replica the primary of a database service and restart every app instance with it.",
        discussion: """
            For a [service:NAME] with nodes = 2 or more, whose primary is down: the replica that \
            has received the most is promoted (or the one given with --to), the other replicas \
            replicate from it, and every app server's instances are restarted with it in their \
            environment, one app server at a time, each drained on the balancer meanwhile. \
            setup-node, update, backup and query follow the new primary from then on. The old \
            primary is fenced (read-only, in no app's environment) until setup-node makes it a \
            replica again. With --to, a primary that still answers is made read-only first and \
            the new one takes over once it has everything (a switchover). Asks first unless --yes.
            """)

    @Argument(help: "A nodeset file (NAME.conf).")
    var nodeset: String

    @Argument(help: "The database service: mysql, postgresql or postgis.")
    var service: String

    @Option(help: ArgumentHelp("The node to make the primary (default: the replica that has received the most).", valueName: "node"))
    var to: String?

    @Flag(name: [.short, .long], help: "Do not ask for confirmation.")
    var yes = false

    @Flag(help: "Break the nodeset's deploy lock if another run holds it.")
    var forceUnlock = false

    @OptionGroup var options: WorkOptions

    func run() async throws {
        try await runCommand {
            guard let kind = ServiceKind(rawValue: service), kind.isDatabase else {
                throw UsageError("\(service) is not a database service", hint: "give mysql, postgresql or postgis")
            }
            let session = try options.openNodeset(nodeset)
            var failover = DatabaseFailover(session: session, kind: kind, target: to)
            failover.forceUnlock = forceUnlock
            let decision = try await failover.decide()
            try confirm("\(decision.summary.prefix(1).uppercased() + decision.summary.dropFirst())?", yes: yes)
            let job = failover
            let report = try await Interrupts.cancelling(session.console) { try await job.run(decision) }
            session.console.say("\(kind.rawValue): \(report.primary) is the primary" + (report.previous == report.primary ? "" : " (was \(report.previous))"))
        }
    }
}
