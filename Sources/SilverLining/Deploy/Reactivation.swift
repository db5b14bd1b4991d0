/// `silver activate NODESET APP INSTANCE|prev`: switches every app server back (or forward)
/// to an instance they already have, with the same rules as update: lock, first node, then
/// the rest, each drained on the balancer meanwhile (`RolloutPlan.activate`).
public struct Reactivation: Sendable {
    public var session: NodesetSession
    public var app: String
    /// An instance name, or `prev` for the one before the active one.
    public var instance: String
    public var forceUnlock = false
    public var batch: Int?
    /// As `Update.soak`.
    public var soak = Update.defaultSoak

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
        let target = try AppTarget.resolve(app: app, in: session.nodeset)
        let agent = NodeAgent(ssh: session.ssh, binary: try AgentBinary.locate())
        let lock = NodesetLock(agent: agent, node: first.reach, doing: "activate \(app) \(instance)")
        let lists = try await lock.open(app: app, on: nodes, force: forceUnlock, wait: .zero, console: session.console)
            .map { $0.instances ?? InstanceList(names: [], active: nil) }
        let transport = AgentTransport(
            session: session, agent: agent, topology: topology, app: app, host: target.canonicalHostname, lock: lock.holder, keep: 0,
            log: DeployLogEntry(who: lock.holder.who, when: 0, app: app, instance: instance, nodes: nodes.map(\.name), result: ""))
        let executor = RolloutExecutor(transport: transport, parallel: session.parallel)
        let choose = { () throws -> String in
            let wanted = try chosen(from: lists[0], node: first.name)
            for (node, list) in zip(nodes, lists) where !list.names.contains(wanted) {
                throw DeployError.noSuchInstance(app: app, instance: wanted, node: node.name)
            }
            return wanted
        }
        let wanted: String
        do {
            wanted = try choose()
            // An app server set up before apps had accounts moves to them before it starts one.
            try await ServiceContext(session: session, agent: agent, topology: topology).apply(AppserverRole.accounts(for: [app]), on: nodes)
        } catch {
            await executor.close(RolloutPlan.closing(nodes: topology.nodes.map(\.name), lockNode: first.name, result: RemoteError.brief(error)))
            throw error
        }
        let plan = RolloutPlan.activate(
            app: app, instance: wanted, appServers: zip(nodes, lists).map { RolloutPlan.AppServer(name: $0.name, serving: $1.active) },
            balanced: topology.balancer != nil, soak: soak, batch: batch ?? max(1, nodes.count - 1), nodes: topology.nodes.map(\.name))
        let outcome = await executor.run(plan)
        try await outcome.check(plan, session: session, agent: agent, topology: topology)
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
