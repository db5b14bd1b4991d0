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
    /// The service settings a failover rewrites (failover only).
    public var reconfiguration: ReconfigureRequest?
    /// The run's lock, let go in its closing call on the lock's node.
    public var lock: LockHolder
    /// Old instances kept on each app server after a completed update.
    public var keep: Int
    /// What each node's deploy log records; `result` is filled in at the end.
    public var log: DeployLogEntry
    /// What the run collects on the way, for its report.
    public let results = Results()

    public init(
        session: NodesetSession, agent: NodeAgent, topology: Topology, app: String, host: String, lock: LockHolder, keep: Int,
        log: DeployLogEntry
    ) {
        self.session = session
        self.agent = agent
        self.topology = topology
        self.app = app
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
        case .start(_, let instance):
            try await agent.run("start", [instance], request: Empty(), on: node)
        case .drain:
            let answer = try await balancer(node, .drain)
            if answer.sessions > 0 {
                console.warn("\(node.name) still had \(answer.sessions) requests in flight after draining; switching anyway")
            }
        case .activate(_, let instance):
            let answer = try await agent.call(
                "activate", request: ActivateRequest(app: app, instance: instance, host: host), on: node, as: ActivateAnswer.self,
                console: console)
            console.say("serves \(instance ?? "nothing") (was \(answer.previous ?? "nothing"))", node: node.name)
        case .ready(_, let waitUntilUp):
            let answer = try await balancer(node, .ready, upTimeoutSeconds: waitUntilUp ? 10 : 0)
            if waitUntilUp, !answer.isUp {
                console.warn("the balancer still sees \(node.name) as \(answer.status); its health check \(RouterConfiguration.readyPath) fails")
            }
        case .fetch(_, let instance):
            guard let fetch else { return }
            results.set(fetched: try await fetch.run(on: node, instance: instance))
        case .remove(_, let instance):
            try await agent.run("remove", [instance], request: Empty(), on: node)
        case .reconfigure:
            guard let reconfiguration else { return }
            let answer = try await agent.call("reconfigure", request: reconfiguration, on: node, as: ReconfigureAnswer.self, console: console)
            console.say("restarted \(answer.restarted.count) instance(s) with the new settings; rewrote \(answer.rewritten.count)", node: node.name)
        case .finish(_, let clean, let releaseLock, let result):
            var entry = log
            entry.result = result
            entry.when = Date().timeIntervalSince1970
            let request = FinishRequest(clean: clean ? CleanRequest(app: app, keep: keep) : nil, log: entry, release: releaseLock ? lock : nil)
            _ = try await agent.call("finish", request: request, on: node, as: FinishAnswer.self)
        }
    }

    /// Sets an app server's state on the balancer.
    func balancer(_ server: NodeAddress, _ state: BalancerRequest.State, upTimeoutSeconds: Int = 0) async throws -> BalancerAnswer {
        guard let balancer = topology.balancer else { return BalancerAnswer(sessions: 0, status: "UP") }
        return try await agent.call(
            "balancer", request: BalancerRequest(server: server.name, state: state, upTimeoutSeconds: upTimeoutSeconds),
            on: balancer.reach, as: BalancerAnswer.self)
    }
}
