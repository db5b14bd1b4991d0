/// `silver query`: what each app server runs — each app's active instance, older ones,
/// whether they answer their health check, and whether the balancer sends it the app's
/// requests.
public struct FleetQuery: Sendable {
    public var session: NodesetSession

    public init(session: NodesetSession) {
        self.session = session
    }

    public struct Row: Sendable, Encodable, Equatable {
        public var node: String
        public var app: String
        public var active: String
        public var health: String
        /// The app server's state in the app's backend on the balancer: ready, drain, maint,
        /// down; "-" without a balancer.
        public var balancer: String
        public var older: [String]
        /// The instance served at `prev.HOST`, or "-".
        public var previous = "-"
        /// `silver disable`: visitors get the maintenance page.
        public var disabled = false

        /// Whether the balancer keeps this app's requests from this app server.
        public var outOfRotation: Bool { !["ready", "-"].contains(balancer) }
    }

    public func rows(app: String?) async throws -> [Row] {
        let topology = try await session.topology()
        let agent = NodeAgent(ssh: session.ssh, binary: try AgentBinary.locate())
        let nodes = topology.nodes(in: .appserver)
        async let balancerStates = BalancerStates.query(topology: topology, agent: agent)
        let answers = await forEach(nodes, parallel: session.parallel) { node in
            try await agent.call("query", request: QueryRequest(app: app, checkHealth: true), on: node.reach, as: NodeQuery.self)
        }
        let states = await balancerStates
        var rows: [Row] = []
        for (node, answer) in zip(nodes, answers) {
            switch answer {
            case .failure(let error):
                rows.append(Row(
                    node: node.name, app: app ?? "-", active: "-", health: "unreachable: \(RemoteError.brief(error))",
                    balancer: states.state(of: node.name, app: app), older: []))
            case .success(let query):
                if query.apps.isEmpty {
                    rows.append(Row(
                        node: node.name, app: app ?? "-", active: "nothing", health: "-", balancer: states.state(of: node.name, app: app),
                        older: []))
                }
                for entry in query.apps {
                    let active = entry.instances.first { $0.name == entry.active }
                    let health = active.map { instance in
                        guard instance.running else { return "not running" }
                        return instance.health.map { "HTTP \($0)" } ?? "no answer"
                    } ?? "-"
                    rows.append(Row(
                        node: node.name, app: entry.app, active: entry.active ?? "nothing", health: health,
                        balancer: states.state(of: node.name, app: entry.app), older: entry.instances.filter { $0.name != entry.active }.sorted { $0.created > $1.created }.map(\.name),
                        previous: entry.previous ?? "-", disabled: entry.disabled ?? false))
                }
            }
        }
        return rows
    }

    public static func table(_ rows: [Row]) -> String {
        let table = Table(
            header: ["NODE", "APP", "ACTIVE", "HEALTH", "BALANCER", "PREV", "OLDER"],
            rows: rows.map {
                [$0.node, $0.app, $0.active + ($0.disabled ? " (disabled)" : ""), $0.health, $0.balancer, $0.previous,
                 $0.older.isEmpty ? "-" : $0.older.joined(separator: " ")]
            }
        ).text
        let notes = rows.filter(\.outOfRotation).map {
            "note: the balancer does not send \($0.app)'s requests to \($0.node) (\($0.balancer))\n"
        } + rows.filter(\.disabled).map {
            "note: \($0.app) is disabled on \($0.node): visitors get the maintenance page until `silver enable`\n"
        }
        return table + notes.joined()
    }
}

/// Each app server's state in each app's backend, as the balancer reports it.
struct BalancerStates: Sendable {
    var servers: [BalancerServer]?
    var hasBalancer: Bool

    static func query(topology: Topology, agent: NodeAgent) async -> BalancerStates {
        guard let balancer = topology.balancer else { return BalancerStates(servers: [], hasBalancer: false) }
        let servers = try? await agent.call("balancer-status", request: Empty(), on: balancer.reach, as: [BalancerServer].self)
        return BalancerStates(servers: servers, hasBalancer: true)
    }

    /// One app's state on the server; for no app, the worst of them.
    func state(of server: String, app: String?) -> String {
        guard hasBalancer else { return "-" }
        guard let servers else { return "unknown" }
        let entries = servers.filter { $0.server == server && (app == nil || $0.app == app) }
        let order = ["down", "maint", "drain", "ready"]
        return entries.map(\.state).min { (order.firstIndex(of: $0) ?? 0) < (order.firstIndex(of: $1) ?? 0) } ?? "not in the balancer"
    }
}
