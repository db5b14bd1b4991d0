/// `silver query`: what each app server runs — each app's active instance, older ones and
/// whether they answer their health check.
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
        public var older: [String]
    }

    public func rows(app: String?) async throws -> [Row] {
        let topology = try await session.topology()
        let agent = NodeAgent(ssh: session.ssh, binary: try AgentBinary.locate())
        let nodes = topology.nodes(in: .appserver)
        let answers = await forEach(nodes, parallel: session.parallel) { node in
            return try await agent.call("query", request: QueryRequest(app: app, checkHealth: true), on: node.reach, as: NodeQuery.self)
        }
        var rows: [Row] = []
        for (node, answer) in zip(nodes, answers) {
            switch answer {
            case .failure(let error):
                rows.append(Row(node: node.name, app: app ?? "-", active: "-", health: "unreachable: \(RemoteError.brief(error))", older: []))
            case .success(let query):
                if query.apps.isEmpty { rows.append(Row(node: node.name, app: app ?? "-", active: "nothing", health: "-", older: [])) }
                for entry in query.apps {
                    let active = entry.instances.first { $0.name == entry.active }
                    let health = active.map { instance in
                        guard instance.running else { return "not running" }
                        return instance.health.map { "HTTP \($0)" } ?? "no answer"
                    } ?? "-"
                    rows.append(Row(
                        node: node.name, app: entry.app, active: entry.active ?? "nothing", health: health,
                        older: entry.instances.filter { $0.name != entry.active }.sorted { $0.created > $1.created }.map(\.name)))
                }
            }
        }
        return rows
    }

    public static func table(_ rows: [Row]) -> String {
        Table(
            header: ["NODE", "APP", "ACTIVE", "HEALTH", "OLDER"],
            rows: rows.map { [$0.node, $0.app, $0.active, $0.health, $0.older.isEmpty ? "-" : $0.older.joined(separator: " ")] }
        ).text
    }
}
