import Foundation
import Synchronization

/// The rollout's steps as silver performs them on real nodes: rsync for uploads, the agent's
/// verbs on the app servers, and HAProxy's runtime API through the balancer's agent for
/// drain and ready. One agent call per step.
public struct AgentTransport: RolloutTransport {
    public var session: NodesetSession
    public var agent: NodeAgent
    public var topology: Topology
    public var app: String
    /// The Host header of health checks: the app's canonical host name.
    public var host: String
    /// What a new instance needs (update only).
    public var staging: Staging?
    /// The app's `update_fetch` (update only).
    public var fetch: UpdateFetch?
    /// The app's `config.checker`, `module:function` (update only).
    public var configChecker: String?
    /// The service settings a failover rewrites (failover only).
    public var reconfiguration: ReconfigureRequest?
    /// The apps' backends an app server is drained in and made ready in: the app's own for
    /// an update; for a failover, those of every app whose instances restart.
    public var backends: [String]
    /// The run's lock, let go in its closing call on the lock's node.
    public var lock: LockHolder
    /// Old instances kept on each app server after a completed update.
    public var keep: Int
    /// What each node's deploy log records; `result` is filled in at the end.
    public var log: DeployLogEntry
    /// What the run collects on the way, for its report.
    public let results = Results()
    /// How long a drain lasts on the balancer unless renewed: what a silver killed mid-switch
    /// leaves behind, at most.
    public var drainExpirySeconds = 15
    let drains = DrainRenewals(every: .seconds(5))

    public init(
        session: NodesetSession, agent: NodeAgent, topology: Topology, app: String, host: String, lock: LockHolder, keep: Int,
        log: DeployLogEntry
    ) {
        self.session = session
        self.agent = agent
        self.topology = topology
        self.app = app
        self.backends = [app]
        self.host = host
        self.lock = lock
        self.keep = keep
        self.log = log
    }

    /// A new instance's upload and install.
    public struct Staging: Sendable {
        public var upload: InstanceUpload
        public var install: InstallRequest
        /// Where the agents keep instances.
        public var directories: UploadDirectories
        /// The instance each app server's upload is linked against, so that only changes travel.
        public var linkTo: [String: String]

        public init(upload: InstanceUpload, install: InstallRequest, directories: UploadDirectories, linkTo: [String: String]) {
            self.upload = upload
            self.install = install
            self.directories = directories
            self.linkTo = linkTo
        }
    }

    public final class Results: Sendable {
        private let state = Mutex<(bytes: Int, fetched: [String])>((0, []))

        public var bytesSent: Int { state.withLock { $0.bytes } }
        public var fetched: [String] { state.withLock { $0.fetched } }

        func add(bytes: Int) { state.withLock { $0.bytes += bytes } }
        func set(fetched: [String]) { state.withLock { $0.fetched = fetched } }
    }

    var console: Console { session.console }

    func node(_ name: String) throws -> NodeAddress {
        guard let record = topology.nodes.first(where: { $0.name == name }) else {
            throw DeployError.noSuchNode(name, nodeset: session.nodeset.name)
        }
        return record.reach
    }

    public func perform(_ step: RolloutStep) async throws {
        let node = try node(step.node)
        switch step {
        case .upload(_, let instance):
            guard let staging else { return }
            results.add(bytes: try await staging.upload.send(
                to: node, into: staging.directories, instance: instance, linkTo: staging.linkTo[node.name]))
        case .install(_, let instance):
            guard let staging else { return }
            try await agent.run("install", request: staging.install, on: node, console: console)
            console.say("\(instance) is running, not yet routed", node: node.name)
        case .checkConfig(_, let instance):
            guard let configChecker else { return }
            try await checkConfig(configChecker, instance: instance, on: node)
        case .start(_, let instance):
            try await agent.run("start", [instance], request: Empty(), on: node)
        case .drain:
            let answer = try await balancer(node, .drain)
            drains.keep(node.name) { _ = try await balancer(node, .drain, idleTimeoutSeconds: 0) }
            if answer.sessions > 0 {
                console.warn("\(node.name) still had \(answer.sessions) requests in flight after draining; switching anyway")
            }
        case .activate(_, let instance):
            let answer = try await agent.call(
                "activate", request: ActivateRequest(app: app, instance: instance, host: host), on: node, as: ActivateAnswer.self,
                console: console)
            console.say("serves \(instance ?? "nothing") (was \(answer.previous ?? "nothing"))", node: node.name)
        case .ready(_, let waitUntilUp):
            await drains.end(node.name)
            let answer = try await balancer(node, .ready, upTimeoutSeconds: waitUntilUp ? 10 : 0)
            if waitUntilUp, !answer.isUp {
                console.warn(
                    "the balancer still sees \(node.name) as \(answer.status) for \(backends.joined(separator: ", ")); its health check "
                        + backends.map { RouterConfiguration.readyPath(app: $0) }.joined(separator: ", ") + " fails")
            }
        case .fetch(_, let instance, let primary):
            guard let fetch else { return }
            let outputs = try await fetch.run(on: node, instance: instance, primary: primary)
            if primary { results.set(fetched: outputs) }
        case .soak(_, let instance, let seconds):
            console.say("watching \(instance) for \(seconds) s", node: node.name)
            try await agent.run("soak", request: SoakRequest(instance: instance, host: host, seconds: seconds), on: node)
        case .remove(_, let instance):
            try await agent.run("remove", ["--undoing-deploy", instance], request: Empty(), on: node)
        case .reconfigure:
            guard let reconfiguration else { return }
            let answer = try await agent.call("reconfigure", request: reconfiguration, on: node, as: ReconfigureAnswer.self, console: console)
            console.say("restarted \(answer.restarted.count) instance(s) with the new settings; rewrote \(answer.rewritten.count)", node: node.name)
        case .finish(_, let clean, let releaseLock, let result):
            try await Self.finish(
                node, agent: agent, log: log, result: result, clean: clean ? CleanRequest(app: app, keep: keep) : nil,
                release: releaseLock ? lock : nil)
        case .retire, .stopInstances, .setUpRest, .grants, .destroy:
            throw DeployError.notARolloutStep(step.description)
        }
    }

    /// Runs the checker as the app's user in the new instance's environment, on the
    /// configuration the agent gave it (`SILVER_APP_CONFIG`); its traceback is the failure.
    func checkConfig(_ checker: String, instance: String, on node: NodeAddress) async throws {
        console.say("checking the configuration with \(checker)", node: node.name)
        let script = #"exec python3 -m silverlining_runner check-config "$1" "${SILVER_APP_CONFIG:?no configuration: give one with --config DIR}""#
        let command = try agent.command("exec", [instance, "--", "/bin/sh", "-c", script, "sh", checker], step: "config.checker \(checker)")
        let result = try await agent.run(command, on: node)
        guard result.succeeded else {
            throw RemoteError.failed(node: node.name, step: command.step, status: result.status, errorOutput: result.errorText + result.text)
        }
    }

    /// A run's last call on a node: its line in the deploy log, the lock let go, old
    /// instances removed.
    static func finish(
        _ node: NodeAddress, agent: NodeAgent, log: DeployLogEntry, result: String, clean: CleanRequest?, release: LockHolder?
    ) async throws {
        var entry = log
        entry.result = result
        entry.when = Date().timeIntervalSince1970
        _ = try await agent.call("finish", request: FinishRequest(clean: clean, log: entry, release: release), on: node, as: FinishAnswer.self)
    }

    /// Sets an app server's state in each of `backends` on the balancer; `drains` renews a
    /// drain while it lasts.
    func balancer(
        _ server: NodeAddress, _ state: BalancerRequest.State, idleTimeoutSeconds: Int = 30, upTimeoutSeconds: Int = 0
    ) async throws -> BalancerAnswer {
        let control = BalancerControl(agent: agent, balancer: topology.balancer, drainExpirySeconds: drainExpirySeconds)
        var answers: [BalancerAnswer] = []
        for app in backends {
            answers.append(
                try await control.set(server.name, app: app, state, idleTimeoutSeconds: idleTimeoutSeconds, upTimeoutSeconds: upTimeoutSeconds))
        }
        return BalancerAnswer(combining: answers)
    }
}
