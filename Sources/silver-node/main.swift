import ArgumentParser
import SilverNode

@main
struct SilverNodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silver-node",
        abstract: "The node side of silver: run by silver over SSH on each node, not by hand."
    )
}
