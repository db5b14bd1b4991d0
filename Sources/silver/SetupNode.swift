import ArgumentParser
import SilverLining

struct SetupNode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup-node",
        abstract: "Install and configure every node of a nodeset for its role.",
        discussion: """
            Every node gets the base layer (silver's directories, the topology file \
            /etc/silverlining/nodeset.conf, the nodeset's /etc/hosts block and an nftables \
            firewall), then its role's: nginx and the app instance unit on app servers, the \
            database server on service nodes, HAProxy on the balancer. Nodes are set up in \
            parallel; only what differs is changed, so running it again is quick and says \
            "no changes". Run it again after create-node adds nodes: every node learns about \
            the new ones.
            """
    )

    @Argument(help: "A nodeset file (NAME.conf).")
    var nodeset: String

    @Flag(help: "Show what would change on which node without changing it.")
    var dryRun = false

    @OptionGroup var options: WorkOptions

    func run() async throws {
        try await runCommand {
            try await NodeSetup(session: try options.open(nodeset), dryRun: dryRun).run()
        }
    }
}
