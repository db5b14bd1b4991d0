import ArgumentParser
import SilverLining

struct DeleteNode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete-node",
        abstract: "Take nodes out of a nodeset that keeps serving, then destroy them.",
        discussion: """
            Without node names, deletes the recorded nodes the nodeset no longer describes: \
            lower `nodes` in a role, then run this (the highest-numbered app servers go first). \
            Each app server is drained on the balancer until its requests finish \
            (--drain-timeout), taken out of it and its instances stopped; then every remaining \
            node's topology, /etc/hosts block, firewall and HAProxy servers, the database \
            servers' access and this machine's hosts block are set up without it, and it is \
            destroyed (a static server is only forgotten). A failure or Ctrl-C while an app \
            server leaves puts it back into rotation; a later one stops with the nodeset \
            serving, and running the command again finishes. Deleting the last app server, or a database \
            node holding apps' data, is refused unless --force. Asks first unless --yes.
            """
    )

    @Argument(help: "A nodeset file (NAME.conf).")
    var nodeset: String

    @Argument(help: "Only these nodes (default: those the nodeset no longer describes).")
    var nodes: [String] = []

    @Flag(help: "Show which nodes would go and the steps, without changing anything.")
    var dryRun = false

    @Flag(name: [.short, .long], help: "Do not ask for confirmation.")
    var yes = false

    @Flag(help: "Delete the last app server, or a database node that holds apps' data.")
    var force = false

    @Option(help: "Seconds to wait for a drained app server's requests to finish before taking it out anyway.")
    var drainTimeout = NodeDeletion.defaultDrainTimeout

    @Flag(help: "Break a deploy lock held by another run.")
    var forceUnlock = false

    @OptionGroup var options: WorkOptions

    func validate() throws {
        guard drainTimeout >= 0 else { throw ValidationError("--drain-timeout must be 0 or more seconds") }
    }

    func run() async throws {
        try await runCommand {
            let session = try options.openNodeset(nodeset)
            var deletion = NodeDeletion(session: session)
            deletion.force = force
            deletion.drainTimeoutSeconds = drainTimeout
            deletion.forceUnlock = forceUnlock
            let preview = try await deletion.preview(names: nodes)
            let console = session.console
            guard !preview.targets.isEmpty else {
                console.say("\(session.nodeset.name): every recorded node is one \(session.nodeset.file) describes; nothing to delete")
                return
            }
            let list = preview.targets.map { "\($0.name) (\($0.role), \($0.address))" }
            console.say((dryRun ? "would delete: " : "to delete: ") + list.joined(separator: ", "))
            for note in preview.notes { console.warn(note) }
            if dryRun {
                for phase in preview.plan.phases {
                    console.say("  \(phase.name): " + phase.steps.map(\.description).joined(separator: ", "))
                }
                return
            }
            try confirm("Delete \(preview.targets.count) node(s) of \(session.nodeset.name): \(preview.targets.map(\.name).joined(separator: ", "))?", yes: yes)
            let job = deletion
            _ = try await Interrupts.cancelling(console) { try await job.run(preview) }
        }
    }
}
