/// `silver query`'s second table: each database service node with the role silver recorded
/// for it, what its server says about itself, and how far a replica is behind.
public struct DatabaseQuery: Sendable {
    public var session: NodesetSession

    public init(session: NodesetSession) {
        self.session = session
    }

    public struct Row: Sendable, Encodable, Equatable {
        public var node: String
        public var service: String
        /// `primary`, `replica` or `fenced`, as recorded.
        public var role: String
        /// What the server says: `writable`, `replicating`, `read-only`, `down`, ...
        public var state: String
        /// Seconds a replica is behind its primary; nil when unknown or not a replica.
        public var lag: Double?
    }

    public func rows() async throws -> [Row] {
        let topology = try await session.topology()
        let context = ServiceContext(session: session, agent: NodeAgent(ssh: session.ssh, binary: try AgentBinary.locate()), topology: topology)
        var rows: [Row] = []
        for kind in ServiceKind.allCases where kind.isDatabase {
            let nodes = topology.nodes(in: .service(kind.rawValue))
            guard !nodes.isEmpty, let engine = DatabaseService.of(kind)?.engine else { continue }
            let placement = ServicePlacement.onServiceNodes(kind: kind, nodes: nodes, roles: topology.databaseRoles[kind.rawValue])
            let up = try await context.reachable(nodes)
            let states = await forEach(nodes, parallel: session.parallel) { node in
                guard up.contains(node) else { return nil as ReplicaState? }
                return try await engine.state(of: node, context: context)
            }
            for (node, outcome) in zip(nodes, states) {
                let role = node == placement.primary ? "primary" : placement.fenced.contains(node) ? "fenced" : "replica"
                let state: String
                switch outcome {
                case .success(nil): state = "down"
                case .failure(let error): state = "not answering: \(RemoteError.brief(error))"
                case .success(let found?): state = Self.describe(found, role: role, placement: placement)
                }
                let lag = role == "replica" ? (try? outcome.get())??.lag : nil
                rows.append(Row(node: node.name, service: kind.rawValue, role: placement.isReplicated ? role : "only node", state: state, lag: lag))
            }
        }
        return rows
    }

    /// What a node's state means for its role, in a few words.
    static func describe(_ state: ReplicaState, role: String, placement: ServicePlacement) -> String {
        if state.writable {
            guard role == "primary" else { return "writable: not fenced" }
            guard placement.isReplicated, let waits = state.waitsForReplica else { return "writable" }
            return waits ? "writable, commits wait for a replica" : "writable, alone: no replica in step"
        }
        if role == "primary" { return "read-only" }
        if state.follows(placement.primary) { return "replicating" }
        if let error = state.error { return "not replicating: \(error)" }
        return state.source.map { "read-only, from \($0)" + (state.receiving ? "" : ", not receiving") } ?? "read-only, not replicating"
    }

    public static func table(_ rows: [Row]) -> String {
        Table(
            header: ["NODE", "SERVICE", "ROLE", "STATE", "LAG"],
            rows: rows.map { [$0.node, $0.service, $0.role, $0.state, $0.lag.map { "\(Int($0.rounded())) s" } ?? "-"] }
        ).text
    }
}
