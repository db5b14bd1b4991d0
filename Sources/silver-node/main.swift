import ArgumentParser
import SilverNode

@main
struct SilverNodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silver-node",
        abstract: "The node side of silver: run by silver over SSH on each node, not by hand.",
        discussion: "Each verb reads a JSON request on standard input and writes a JSON answer.",
        subcommands: [Apply.self, Secret.self]
    )
}

/// Runs a verb, turning its errors into a message on standard error and a non-zero exit.
func agent(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as any UserFacingError {
        AgentIO.writeError(error.description)
        throw ExitCode(error.exitStatus)
    }
}

struct RootOption: ParsableArguments {
    @Option(help: "Treat this directory as / (for tests).")
    var root = "/"

    var paths: NodePaths { NodePaths(root: root) }
}

struct Apply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Make this node match a setup plan; print what changed.")

    @Flag(help: "Only say what would change.")
    var dryRun = false

    @OptionGroup var root: RootOption

    func run() async throws {
        try await agent {
            let plan = try AgentIO.readRequest(NodePlan.self)
            let applier = PlanApplier(paths: root.paths, dryRun: dryRun, manageSystem: root.root == "/")
            try AgentIO.writeAnswer(try await applier.apply(plan))
        }
    }
}

struct Secret: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a service's stored secret for an app, making it (root-only) the first time.")

    @OptionGroup var root: RootOption

    func run() async throws {
        try await agent {
            let request = try AgentIO.readRequest(SecretRequest.self)
            try AgentIO.writeAnswer(try SecretStore(paths: root.paths).secret(named: request.name))
        }
    }
}
