import ArgumentParser
import SilverLining

struct DestroyNode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "destroy-node",
        abstract: "Destroy a nodeset's nodes, or only the named ones.",
        discussion: """
            Asks first unless --yes is given. When the nodeset's last node is gone, what the \
            provider made for the nodeset goes too (for local nodes: the bridge and the apt \
            cache). A static server is only forgotten, never touched. Nothing is drained and \
            the other nodes are not told: to take nodes out of a nodeset that keeps serving, \
            use delete-node.
            """
    )

    @Argument(help: "A nodeset file (NAME.conf).")
    var nodeset: String

    @Argument(help: "Only these nodes (default: all of them).")
    var nodes: [String] = []

    @Flag(name: [.short, .long], help: "Do not ask for confirmation.")
    var yes = false

    @OptionGroup var options: WorkOptions

    func run() async throws {
        try await runCommand {
            let session = try options.open(nodeset)
            let destruction = NodeDestruction(session: session)
            let targets = try await destruction.targets(names: nodes)
            guard !targets.isEmpty else {
                session.console.say("\(session.nodeset.name) has no nodes to destroy")
                return
            }
            try confirm("Destroy \(targets.count) node(s) of \(session.nodeset.name): \(targets.map(\.name).joined(separator: ", "))?", yes: yes)
            try await destruction.run(names: nodes)
        }
    }
}
