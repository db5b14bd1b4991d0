import Foundation

/// `silver failover NODESET SERVICE [--to NODE]`: a replica becomes the primary of a database
/// service, the other replicas follow it, the nodeset's state records it, and every app
/// instance is restarted with it in its environment, one app server at a time. The old
/// primary is fenced: read-only now if it answers, as it comes back otherwise (its boot
/// plan finds the new primary), and out of every app's environment until setup-node has
/// made it a replica again.
public struct DatabaseFailover: Sendable {
    public var session: NodesetSession
    public var kind: ServiceKind
    /// The node to promote; by default the replica that has received the most.
    public var target: String?
    public var forceUnlock = false

    public init(session: NodesetSession, kind: ServiceKind, target: String? = nil) {
        self.session = session
        self.kind = kind
        self.target = target
    }

    /// What a failover will do, decided before anything changes, for the user to confirm.
    public struct Decision: Sendable {
        public var placement: ServicePlacement
        public var topology: Topology
        /// The node that becomes the primary (the primary itself: only apps are re-pointed).
        public var promoted: NodeRecord
        /// The old primary answers and takes writes: it is made read-only first.
        public var primaryAnswers: Bool
        /// The nodeset's nodes that answered on SSH, asked once: a node without power costs
        /// the probe's whole timeout.
        public var reachable: [NodeRecord]

        public var isPromotion: Bool { promoted != placement.primary }

        public var summary: String {
            guard isPromotion else {
                return "\(promoted.name) is already the primary of \(placement.kind.rawValue): restart the apps' instances that still name another node"
            }
            return "promote \(promoted.name) to primary of \(placement.kind.rawValue) in place of \(placement.primary.name)"
                + (primaryAnswers ? ", which answers and is made read-only first" : ", which does not answer")
                + ", then restart every app instance with it, one app server at a time"
        }
    }

    public struct Report: Sendable {
        public var primary: String
        public var previous: String
        /// App servers that did not answer: their instances still name the old primary.
        public var missed: [String]
    }

    var engine: any ReplicationEngine { DatabaseService.of(kind)!.engine }

    public func decide() async throws -> Decision {
        guard kind.isDatabase else { throw ReplicationError.notReplicated(kind, nodeset: session.nodeset.name) }
        let topology = try await session.topology()
        let context = try await serviceContext(topology)
        let placement = try ServicePlacement.resolve(kind: kind, topology: topology)
        guard placement.isReplicated else { throw ReplicationError.notReplicated(kind, nodeset: session.nodeset.name) }
        let reachable = try await context.reachable(topology.nodes)
        let engine = engine
        let services = placement.nodes.filter(reachable.contains)
        let states = Dictionary(
            uniqueKeysWithValues: zip(
                services,
                await forEach(services, parallel: session.parallel) { node in try await engine.state(of: node, context: context) }
            ).compactMap { node, outcome in (try? outcome.get()).map { (node.name, $0) } })
        let primaryAnswers = states[placement.primary.name]?.writable == true
        if let target {
            guard let node = placement.nodes.first(where: { $0.name == target || $0.name.split(separator: ".").first.map(String.init) == target })
            else { throw ReplicationError.noSuchNode(target, service: kind, nodes: placement.nodes.map(\.name)) }
            guard node == placement.primary || states[node.name] != nil else {
                throw ReplicationError.noReplicaAnswers(kind, replicas: [node.name])
            }
            return Decision(placement: placement, topology: topology, promoted: node, primaryAnswers: primaryAnswers, reachable: reachable)
        }
        guard !primaryAnswers else { throw ReplicationError.primaryAnswers(kind, node: placement.primary.name, nodeset: session.nodeset.file) }
        guard !placement.replicas.isEmpty else { throw ReplicationError.noReplica(kind, nodeset: session.nodeset.name) }
        let candidates = placement.replicas.compactMap { node in states[node.name].map { (node, $0) } }
        guard let best = candidates.max(by: { $0.1.received < $1.1.received }) else {
            throw ReplicationError.noReplicaAnswers(kind, replicas: placement.replicas.map(\.name))
        }
        return Decision(placement: placement, topology: topology, promoted: best.0, primaryAnswers: false, reachable: reachable)
    }

    public func run(_ decision: Decision) async throws -> Report {
        let console = session.console
        let topology = decision.topology
        let context = try await serviceContext(topology)
        let appServers = topology.nodes(in: .appserver).filter(decision.reachable.contains)
        let missed = topology.nodes(in: .appserver).filter { !appServers.contains($0) }
        let agent = context.agent
        // The deploy lock, on the first app server as for update, so that no update deploys
        // with the old primary meanwhile. Without that node there is no lock to take.
        let lockNode = topology.nodes(in: .appserver).first ?? decision.promoted
        let lock = NodesetLock(agent: agent, node: lockNode.reach, doing: "failover \(kind.rawValue) to \(decision.promoted.name)")
        let locked = appServers.contains(lockNode)
        if locked {
            _ = try await lock.open(app: nil, on: [lockNode], force: forceUnlock, wait: .zero, console: console)
        } else {
            console.warn("\(lockNode.name), which keeps the deploy lock, does not answer: failing over without the lock")
        }
        let placement: ServicePlacement
        let rewrites: [EnvironmentRewrite]
        do {
            // In a task of its own, so that Ctrl-C never cuts a promotion off half-way; the
            // rollout after it sees an interruption between steps.
            placement = decision.isPromotion ? try await Task { try await promote(decision, context: context) }.value : decision.placement
            rewrites = try await self.rewrites(for: placement, context: context)
        } catch {
            if locked { await lock.release() }
            throw error
        }
        var transport = AgentTransport(
            session: session, agent: agent, topology: topology, app: kind.rawValue, host: "", lock: lock.holder, keep: 0,
            log: DeployLogEntry(
                who: lock.holder.who, when: 0, app: "service.\(kind.rawValue)", instance: "primary \(placement.primary.name)",
                nodes: appServers.map(\.name), result: ""))
        transport.reconfiguration = ReconfigureRequest(rewrites: rewrites)
        // The instances that restart are those of the apps using the service, each drained
        // in its own app's backend (an app without a location has none).
        let balanced = Set(topology.nodeset.locations.map(\.appName))
        transport.backends = Set(rewrites.map(\.app)).filter(balanced.contains).sorted()
        let plan = RolloutPlan.failover(
            service: kind.rawValue, primary: placement.primary.name, appServers: appServers.map(\.name), balanced: topology.balancer != nil,
            nodes: decision.reachable.map(\.name))
        let outcome = await RolloutExecutor(transport: transport, parallel: 1).run(plan)
        try await outcome.check(plan, session: session, agent: agent, topology: topology)
        for node in missed {
            console.warn("\(node.name) does not answer: its instances still name \(decision.placement.primary.name). Once it is back, run `silver failover \(session.nodeset.file) \(kind.rawValue) --to \(placement.primary.name)`.")
        }
        return Report(primary: placement.primary.name, previous: decision.placement.primary.name, missed: missed.map(\.name))
    }

    func serviceContext(_ topology: Topology) async throws -> ServiceContext {
        ServiceContext(session: session, agent: NodeAgent(ssh: session.ssh, binary: try AgentBinary.locate()), topology: topology)
    }

    /// Makes `decision.promoted` the primary and records it; returns where the service runs now.
    func promote(_ decision: Decision, context: ServiceContext) async throws -> ServicePlacement {
        let console = session.console
        let engine = engine
        let old = decision.placement.primary
        let node = decision.promoted
        var state = try await engine.state(of: node, context: context)
        if decision.primaryAnswers {
            try await engine.fence(old, context: context)
            console.say("made read-only", node: old.name)
            // Everything the old primary wrote must reach the new one before it takes over.
            let written = try await engine.state(of: old, context: context)
            let caughtUp = await poll(every: .milliseconds(200), deadline: .seconds(60)) {
                guard let now = try? await engine.state(of: node, context: context) else { return false }
                state = now
                return now.received >= written.received
            }
            guard caughtUp else { throw ReplicationError.behind(node: node.name, position: written.position) }
        }
        try await engine.promote(node, state: state, context: context)
        console.say("now the primary of \(kind.rawValue)", node: node.name)

        let fenced = (decision.placement.fenced.map(\.name) + [old.name]).filter { $0 != node.name }.uniqued()
        try await session.store.setRoles(DatabaseRoles(primary: node.name, fenced: fenced), service: kind.rawValue)
        let placement = ServicePlacement.onServiceNodes(kind: kind, nodes: decision.placement.nodes, roles: DatabaseRoles(primary: node.name, fenced: fenced))

        let password = try await context.secret(engine.replicationSecret, on: node)
        try await context.check(
            engine.admin(engine.primarySQL(password: password, placement: placement), database: nil, step: "set up \(kind.rawValue)'s replication account"),
            on: node, hiding: password)
        let up = decision.placement.nodes.filter(decision.reachable.contains)
        let others = up.filter { $0 != node }
        let topology = decision.topology
        try await forEachOrThrow(others, parallel: session.parallel, name: \.name) { other in
            if placement.replicas.contains(other) {
                try await engine.follow(other, placement: placement, topology: topology, context: context)
                console.say("replicates from \(node.name)", node: other.name)
            }
        }
        // Every node's boot plan names the new primary, so that the old one, when it comes
        // back, finds it and stays read-only.
        try await forEachOrThrow(up, parallel: session.parallel, name: \.name) { other in
            try await context.apply(NodePlan(files: engine.replicationFiles(on: other, placement: placement, topology: topology)), on: [other])
        }
        return placement
    }

    /// The settings of every app whose password the new primary keeps: each variable takes the
    /// value it has with `placement`, wherever it has the value it would have with any other
    /// node of the service as primary.
    func rewrites(for placement: ServicePlacement, context: ServiceContext) async throws -> [EnvironmentRewrite] {
        let service = DatabaseService.of(kind)!
        let secrets = try await context.agent.call(
            "secrets", request: SecretsRequest(folders: [engine.secretFolder]), on: placement.primary.reach, as: [String: String].self)
        return secrets.sorted { $0.key < $1.key }.flatMap { name, password -> [EnvironmentRewrite] in
            let app = String(name.dropFirst(engine.secretFolder.count + 1))
            return Self.rewrites(app: app, password: password, service: service, placement: placement)
        }
    }

    static func rewrites(app: String, password: String, service: DatabaseService, placement: ServicePlacement) -> [EnvironmentRewrite] {
        let wanted = service.environment(app: app, password: password, placement: placement)
        let candidates = placement.nodes.map { node in
            service.engine.environment(app: app, password: password, host: node.address, replicas: nil)
        }
        return wanted.map { variable in
            guard variable.name != service.engine.replicasVariable else {
                return EnvironmentRewrite(app: app, name: variable.name, value: variable.value, replaces: nil)
            }
            let stale = candidates.compactMap { $0.first { $0.name == variable.name }?.value }.uniqued()
            return EnvironmentRewrite(app: app, name: variable.name, value: variable.value, replaces: stale)
        }
    }
}
