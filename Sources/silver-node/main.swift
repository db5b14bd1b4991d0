import ArgumentParser
import SilverNode

@main
struct SilverNodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silver-node",
        abstract: "The node side of silver: run by silver over SSH on each node, not by hand.",
        discussion: "Most verbs read a JSON request on standard input and write a JSON answer.",
        subcommands: [
            Apply.self, Instances.self, Install.self, Activate.self, Fetch.self, Query.self, Clean.self, Lock.self,
            Log.self, Balancer.self, Serve.self, Exec.self, Remove.self, Secret.self, AppSecret.self,
        ]
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

/// Reads the verb's request, runs it, writes its answer.
func answer<Request: Decodable, Answer: Encodable>(_ type: Request.Type, _ body: (Request) async throws -> Answer) async throws {
    try await agent {
        try AgentIO.writeAnswer(try await body(try AgentIO.readRequest(type)))
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
        try await answer(NodePlan.self) { plan in
            try await PlanApplier(paths: root.paths, dryRun: dryRun, manageSystem: root.root == "/", progress: AgentIO.writeProgress)
                .apply(plan)
        }
    }
}

struct Instances: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List an app's instances on this node.")

    @Argument var app: String

    @OptionGroup var root: RootOption

    func run() async throws {
        try await agent { try AgentIO.writeAnswer(NodeInventory(paths: root.paths).instances(of: app)) }
    }
}

struct Install: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Record an uploaded instance, start it and wait for its health check.")

    func run() async throws {
        try await answer(InstallRequest.self) { try await InstanceInstaller(progress: AgentIO.writeProgress).install($0) }
    }
}

struct Activate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Route an app to an instance and stop the previous one.")

    func run() async throws {
        try await answer(ActivateRequest.self) { try await Activation(progress: AgentIO.writeProgress).activate($0) }
    }
}

struct Fetch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Request a path from an instance itself, marked as silver's own.")

    func run() async throws {
        try await answer(FetchRequest.self) { try NodeInventory().fetch($0) }
    }
}

struct Query: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Report each app's instances and their health.")

    func run() async throws {
        try await answer(QueryRequest.self) { try await NodeInventory().query($0) }
    }
}

struct Clean: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove old instances that are not active.")

    func run() async throws {
        try await answer(CleanRequest.self) { try await NodeInventory().clean($0) }
    }
}

struct Lock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Take, release or break the nodeset's deploy lock.")

    func run() async throws {
        try await answer(LockRequest.self) { try DeployLock().handle($0) }
    }
}

struct Log: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Append a deploy to this node's deploy log.")

    func run() async throws {
        try await answer(DeployLogEntry.self) { entry in
            try NodeInventory().log(entry)
            return Empty()
        }
    }
}

struct Balancer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Drain an app server in HAProxy, or put it back.")

    func run() async throws {
        try await answer(BalancerRequest.self) { try await HAProxyRuntime().handle($0) }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Become an instance's process (run by its systemd unit).")

    @Argument var instance: String

    func run() async throws {
        try await agent { try InstanceProcess().serve(instance) }
    }
}

struct Exec: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a command in an instance's directory and environment, as the app's user.")

    @Argument var instance: String

    @Argument(parsing: .captureForPassthrough) var command: [String]

    func run() async throws {
        try await agent { try InstanceProcess().exec(instance, command: command.first == "--" ? Array(command.dropFirst()) : command) }
    }
}

struct Remove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop and delete the named instances (never an active one).")

    func run() async throws {
        try await answer([String].self) { names in
            let inventory = NodeInventory()
            for name in names { try await inventory.remove(name) }
            return Empty()
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

struct AppSecret: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "app-secret", abstract: "Print the nodeset's secret kept on this app server, making it when asked.")

    @OptionGroup var root: RootOption

    func run() async throws {
        try await answer(NodesetSecretRequest.self) { try NodesetSecretFile(paths: root.paths).handle($0) }
    }
}
