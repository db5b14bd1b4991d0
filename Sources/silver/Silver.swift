import ArgumentParser
import SilverLining

@main
struct Silver: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silver",
        abstract: "Create servers, set them up over SSH, and deploy web apps to sets of them.",
        discussion: """
            A nodeset is a NAME.conf file describing app servers, service servers and a \
            balancer. Any argument containing ".conf" is a nodeset; anything else is a \
            node's host name.

              silver create-node foobar.conf   make the nodes the nodeset asks for
              silver setup-node foobar.conf    install and configure every node
              silver update myapp/ foobar.conf deploy an app to the nodeset
            """,
        subcommands: [
            Init.self, Serve.self, Show.self, CreateNode.self, SetupNode.self, Update.self, Query.self, Activate.self, Deactivate.self, Disable.self,
            Enable.self, CleanInstances.self, Run.self,
            Logs.self, Diff.self, ListNodes.self, DeleteNode.self, DestroyNode.self, ListSizes.self, ListImages.self,
            Backup.self, Restore.self, Clear.self, ShowEnv.self, CreateConfig.self, Failover.self, DebugParseBench.self,
        ]
    )
}
