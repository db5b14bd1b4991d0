/// `silver activate NODESET APP INSTANCE|prev`: switches every app server back (or forward)
/// to an instance they already have, with the same rules as update: lock, first node, then
/// the rest, each drained on the balancer meanwhile.
public struct Reactivation: Sendable {
    public var session: NodesetSession
    public var app: String
    /// An instance name, or `prev` for the one before the active one.
    public var instance: String
    public var forceUnlock = false
    public var batch: Int?

    public init(session: NodesetSession, app: String, instance: String) {
        self.session = session
        self.app = app
        self.instance = instance
    }

    @discardableResult
    public func run() async throws -> String {
        let topology = try await session.topology()
        let nodes = topology.nodes(in: .appserver)
        guard let first = nodes.first else { throw DeployError.noAppServers(nodeset: session.nodeset.name) }
        let agent = NodeAgent(ssh: session.ssh, binary: try AgentBinary.locate())
        try await forEachOrThrow(nodes, parallel: session.parallel, name: \.name) { try await agent.install(on: $0.reach) }
        let lists = try await forEachOrThrow(nodes, parallel: session.parallel, name: \.name) { node in
            try await agent.call("instances", [app], request: Empty(), on: node.reach, as: InstanceList.self)
        }
        let wanted = try chosen(from: lists[0], node: first.name)
        for (node, list) in zip(nodes, lists) where !list.names.contains(wanted) {
            throw DeployError.noSuchInstance(app: app, instance: wanted, node: node.name)
        }
        let target = try AppTarget.resolve(app: app, in: session.nodeset)
        let lock = NodesetLock(agent: agent, node: first.reach, doing: "activate \(app) \(wanted)")
        try await lock.acquire(force: forceUnlock, wait: .zero, console: session.console)
        let rollout = Rollout(session: session, agent: agent, topology: topology, app: app, host: target.canonicalHostname)
        // An older instance was stopped when it was switched away from: start it everywhere
        // at once, so that each switch finds it running instead of waiting for it to boot.
        // A start that fails here fails again, with its reason, in the switch.
        _ = await forEach(nodes, parallel: session.parallel) { node in
            try await session.ssh.check(Command("systemctl", ["start", InstanceInstaller.unit(wanted)], step: "start \(wanted)"), on: node.reach)
        }
        let failure: (node: String, error: any Error)?
        do {
            try await rollout.switchNode(first, to: wanted)
            let rest = Array(nodes.dropFirst())
            failure = await rollout.switchNodes(rest, to: wanted, batch: batch ?? max(1, rest.count))
        } catch {
            await Task { await lock.release() }.value
            throw DeployError.firstNodeFailed(node: first.name, reason: String(describing: error), restored: lists[0].active)
        }
        await Task { await lock.release() }.value
        if let failure {
            let serving = await Task { await rollout.serving() }.value
            throw DeployError.rolloutStopped(node: failure.node, reason: String(describing: failure.error), serving: serving)
        }
        session.console.say("\(app): \(wanted) serves on all \(nodes.count) app server(s)")
        return wanted
    }

    /// `prev`: the newest instance older than the active one on the first node.
    func chosen(from list: InstanceList, node: String) throws -> String {
        guard instance == "prev" else { return instance }
        guard let active = list.active else { throw DeployError.notDeployed(app: app, nodeset: session.nodeset.name) }
        guard let previous = list.names.filter({ $0 < active }).max() else {
            throw DeployError.noSuchInstance(app: app, instance: "before \(active)", node: node)
        }
        return previous
    }
}
