import ArgumentParser
import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif
import SilverNode

@main
enum Entry {
    /// Refuses, before parsing anything, to act for a silver that meant another build of the
    /// agent: its requests may not be the ones this build reads.
    static func main() async {
        if let wanted = ProcessInfo.processInfo.environment[AgentBuild.environmentName], AgentBuild(wanted) != AgentBuild.running {
            AgentIO.writeError(AgentBuild.refusal + " (\(wanted))")
            exit(AgentBuild.outdatedStatus)
        }
        await SilverNodeCommand.main()
    }
}

struct SilverNodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silver-node",
        abstract: "The node side of silver: run by silver over SSH on each node, not by hand.",
        discussion: "Most verbs read a JSON request on standard input and write a JSON answer.",
        subcommands: [
            Prelude.self, Finish.self, Apply.self, Instances.self, Install.self, Start.self, Activate.self, Fetch.self, Soak.self, Query.self,
            Clean.self, Lock.self, Log.self, Balancer.self, BalancerStatus.self, BalancerSaveState.self, Undrain.self, Serve.self, StopProcess.self, Exec.self, Environment.self, Logs.self,
            Remove.self, Secret.self, AppSecret.self, Secrets.self, Reconfigure.self, DatabaseBootCommand.self, DatabaseWatchCommand.self,
            RoutingVerb.self, Scratch.self, RunScript.self,
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

struct Prelude: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open a rollout: check this agent is the build silver means, list an app's instances, take the deploy lock.")

    func run() async throws {
        try await answer(PreludeRequest.self) { try RolloutEnds().prelude($0) }
    }
}

struct Finish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Close a rollout: log it, release the deploy lock, remove old instances in the background.")

    func run() async throws {
        try await answer(FinishRequest.self) { try await RolloutEnds().finish($0) }
    }
}

struct Install: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Record an uploaded instance, start it and wait for its health check.")

    func run() async throws {
        try await answer(InstallRequest.self) { request in
            try await InstanceInstaller(progress: AgentIO.writeProgress).install(request)
            return Empty()
        }
    }
}

struct Start: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start an instance this node has, without routing anything to it.")

    @Argument var instance: String

    func run() async throws {
        try await agent {
            try await NodeInventory().start(instance)
            try AgentIO.writeAnswer(Empty())
        }
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

struct Soak: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch an instance that just took requests: fail if its process restarts or its health check fails.")

    func run() async throws {
        try await answer(SoakRequest.self) { request in
            try await InstanceSoak().watch(request)
            return Empty()
        }
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

struct BalancerStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "balancer-status", abstract: "Report every app server in every app's backend: state, requests, counters.")

    func run() async throws {
        try await agent { try AgentIO.writeAnswer(try HAProxyRuntime().servers()) }
    }
}

struct BalancerSaveState: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "balancer-save-state", abstract: "Save HAProxy's server states for the process a reload starts.")

    func run() async throws {
        try await agent { try HAProxyRuntime().saveState() }
    }
}

struct Undrain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put a drained app server back into rotation in one backend (a drain's expiry timer runs this).")

    @Argument var backend: String
    @Argument var server: String

    func run() async throws {
        try await agent { try HAProxyRuntime().undrain(backend: backend, server: server) }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Become an instance's process (run by its systemd unit).")

    @Argument var instance: String

    func run() async throws {
        try await agent { try InstanceProcess().serve(instance) }
    }
}

struct StopProcess: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask an instance's process to stop and wait until it has (its unit's ExecStop).",
        discussion: "systemd cannot kill through cgroups on some container hosts; this signals the process itself.")

    @Argument(help: "The process; none when systemd knows of none, and then there is nothing to stop.")
    var pid: Int32?

    func run() async throws {
        if let pid { await ProcessTable.stop(pid) }
    }
}

struct Exec: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a command in an instance's directory and environment, as the app's user.")

    @Option(help: "Use this app's active instance instead of naming one.")
    var app: String?

    @Argument(parsing: .captureForPassthrough) var words: [String]

    func run() async throws {
        try await agent {
            var words = words
            let instance = try app.map { try NodeInventory().activeInstance(of: $0) } ?? (words.isEmpty ? "" : words.removeFirst())
            try InstanceProcess().exec(instance, command: words.first == "--" ? Array(words.dropFirst()) : words)
        }
    }
}

struct Environment: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the environment of an app's active instance.")

    func run() async throws {
        try await answer(AppRequest.self) { request in
            try InstanceProcess().variables(try NodeInventory().activeInstance(of: request.app))
        }
    }
}

struct Logs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the log of an app's active instance.")

    @Argument var app: String

    @Option(help: "How many of the last lines to print.")
    var lines = 50

    @Flag(help: "Keep printing lines as they are written.")
    var follow = false

    func run() async throws {
        try await agent {
            let instance = try NodeInventory().activeInstance(of: app)
            try InstanceProcess().tail(NodeLayout.logFile(instance), lines: lines, follow: follow)
        }
    }
}

struct Remove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop and delete the named instances (never an active one).")

    @Flag(help: "They never served: give back the deployment configuration their install replaced.")
    var undoingDeploy = false

    @Argument var instances: [String]

    func run() async throws {
        try await agent {
            let inventory = NodeInventory()
            for name in instances { try await inventory.remove(name, undoingDeploy: undoingDeploy) }
            try AgentIO.writeAnswer(Empty())
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

struct Secrets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Keep the secrets given, then print every secret in the folders named (root-only, for a database's replicas).")

    @OptionGroup var root: RootOption

    func run() async throws {
        try await answer(SecretsRequest.self) { request in
            let store = SecretStore(paths: root.paths)
            for (name, value) in request.keep.sorted(by: { $0.key < $1.key }) { try store.keep(value, named: name) }
            var found: [String: String] = [:]
            for folder in request.folders { found.merge(try store.all(in: folder)) { first, _ in first } }
            return found
        }
    }
}

struct Reconfigure: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rewrite apps' service settings in their instances' environments; restart the running ones and wait until healthy.")

    func run() async throws {
        try await answer(ReconfigureRequest.self) { try await Activation(progress: AgentIO.writeProgress).reconfigure($0) }
    }
}

struct DatabaseBootCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "database-boot",
        abstract: "Run as a database server starts: fence this node if another answers as the primary, else make it writable.")

    @Argument(help: "The service's boot plan, written by silver setup-node.")
    var file: String

    @OptionGroup var root: RootOption

    func run() async throws {
        try await agent {
            try await DatabaseBoot(paths: root.paths, log: AgentIO.writeError).run(planAt: file)
        }
    }
}

struct DatabaseWatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "database-watch",
        abstract: "Keep a PostgreSQL primary's commits waiting for a streaming replica, and for none when none streams (runs under systemd).")

    func run() async throws {
        await DatabaseWatch().run(log: AgentIO.writeError)
    }
}

/// Verbs for `silver disable`/`enable`/`deactivate`/`activate LOCATION` and `silver run`.
struct RoutingVerb: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routing", abstract: "Disable or enable an app, or deactivate or activate locations, and render nginx again.")

    @OptionGroup var root: RootOption

    func run() async throws {
        try await answer(RoutingRequest.self) { try await Routing(paths: root.paths).handle($0) }
    }
}

struct Scratch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a directory in an app's active instance's TEMP for `silver run`'s uploads, and print it; or remove one.")

    @Option(help: "The app whose active instance gets the directory.")
    var app: String?

    @Option(help: "Remove this directory, which an earlier call made.")
    var remove: String?

    func run() async throws {
        try await agent {
            let scratch = ScriptRun()
            if let remove {
                try scratch.removeScratch(remove)
            } else if let app {
                print(try scratch.makeScratch(app: app))
            } else {
                throw AgentError.failed("give --app or --remove")
            }
        }
    }
}

struct RunScript: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Become a script of an app's active instance (bin/ first), in its directory and environment.")

    @Option(help: "The app.")
    var app: String

    @Flag(help: "Run as root rather than as the app's user.")
    var root = false

    @Flag(help: "The first word is a script: look in the app's bin/ first, run Python with the app's libraries.")
    var script = false

    @Option(help: "A directory of uploaded arguments, handed to the app's user first.")
    var uploads: String?

    @Argument(parsing: .postTerminator) var words: [String]

    func run() async throws {
        try await agent { try ScriptRun().run(app: app, words: words, script: script, asRoot: root, uploads: uploads) }
    }
}
