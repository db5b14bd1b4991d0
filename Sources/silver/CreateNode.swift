import ArgumentParser
import SilverLining

struct CreateNode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-node",
        abstract: "Make the nodes a nodeset asks for (only those that do not run yet).",
        discussion: """
            With a nodeset (NAME.conf), every node it names is made to exist and run: missing \
            nodes are created, stopped ones started, running ones left alone. Raise `nodes` \
            and run it again to scale up. Host keys are pinned at creation; later \
            connections refuse any other key. After rebuilding nodes on purpose, \
            --rescan-host-keys pins the keys they have now, printing old and new fingerprints.

            With a host name instead, one app server of that name is created on the local \
            provider.
            """
    )

    @Argument(help: "A nodeset file (NAME.conf), or a host name for a single node.")
    var target: String

    @Argument(help: "Only these nodes of the nodeset (default: all).")
    var nodes: [String] = []

    @Flag(help: "Instead of creating nodes, pin the host keys the (named, else all) created nodes have now.")
    var rescanHostKeys = false

    @OptionGroup var options: WorkOptions

    func run() async throws {
        try await runCommand {
            let session: NodesetSession
            switch Target(argument: target) {
            case .nodeset(let path):
                session = try options.open(path)
            case .host(let name):
                guard nodes.isEmpty else { throw UsageError("node names can only follow a nodeset file") }
                session = try NodesetSession(
                    nodeset: .singleNode(host: name), provider: LocalProvider(), console: options.console,
                    parallel: options.parallel)
            }
            if rescanHostKeys {
                let changes = try await HostKeyRescan(session: session).run(names: nodes)
                session.console.say("\(session.nodeset.name): \(changes.count { $0.changed }) of \(changes.count) nodes re-pinned")
                return
            }
            let report = try await NodeCreation(session: session).run(names: nodes)
            var parts: [String] = []
            if !report.created.isEmpty { parts.append("\(report.created.count) created") }
            if !report.started.isEmpty { parts.append("\(report.started.count) started") }
            if !report.unchanged.isEmpty { parts.append("\(report.unchanged.count) already running") }
            session.console.say("\(session.nodeset.name): " + parts.joined(separator: ", "))
        }
    }
}
