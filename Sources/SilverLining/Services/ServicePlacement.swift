/// Where one service runs for a nodeset.
public struct ServicePlacement: Sendable, Equatable {
    public var kind: ServiceKind
    /// The nodes that run it: the `[service:NAME]` nodes, or the app servers themselves.
    public var nodes: [NodeRecord]
    /// True when the service runs on the app servers themselves (no `[service:NAME]`, or a
    /// service such as `files` that always lives on each app server).
    public var isLocal: Bool
    /// The node a database service's apps write to (the first node, until a failover
    /// promotes another), or the first app server, where backups of per-app-server
    /// directories are taken from.
    public var primary: NodeRecord
    /// Former primaries out of every app's environment until setup-node makes them replicas.
    public var fenced: [NodeRecord]

    public init(kind: ServiceKind, nodes: [NodeRecord], isLocal: Bool, primary: NodeRecord? = nil, fenced: [NodeRecord] = []) {
        self.kind = kind
        self.nodes = nodes
        self.isLocal = isLocal
        self.primary = primary ?? nodes[0]
        self.fenced = fenced
    }

    /// Where `kind` runs in `topology`. Database services run on their `[service:NAME]` nodes:
    /// the recorded primary (the first node until a failover) and the rest as its replicas.
    /// Without that section, they run on the single app server itself, as single-server
    /// Silver Lining ran them. `files` and `writable_root` live on every app server.
    ///
    /// - Throws: `ServicePlacementError` when there is no single place for it.
    public static func resolve(kind: ServiceKind, topology: Topology) throws(ServicePlacementError) -> ServicePlacement {
        let appservers = topology.nodes(in: .appserver)
        guard !appservers.isEmpty else {
            throw topology.nodeset.appservers.isEmpty
                ? .noAppServers(nodeset: topology.nodeset.name) : .notCreated(kind, nodes: topology.nodeset.appservers.map(\.name))
        }
        guard kind.isDatabase else { return ServicePlacement(kind: kind, nodes: appservers, isLocal: true) }
        let role = Role.service(kind.rawValue)
        let configured = topology.nodeset.nodes(in: role)
        guard !configured.isEmpty else {
            guard appservers.count == 1 else { throw .needsServiceNode(kind, appservers: appservers.count) }
            return ServicePlacement(kind: kind, nodes: appservers, isLocal: true)
        }
        let recorded = topology.nodes(in: role)
        guard !recorded.isEmpty else { throw .notCreated(kind, nodes: configured.map(\.name)) }
        return onServiceNodes(kind: kind, nodes: recorded, roles: topology.databaseRoles[kind.rawValue])
    }

    /// A service on its own nodes, with the primary and fenced nodes as recorded. A recorded
    /// primary that is no longer one of the nodes (the section was shrunk) falls back to the
    /// first node.
    static func onServiceNodes(kind: ServiceKind, nodes: [NodeRecord], roles: DatabaseRoles?) -> ServicePlacement {
        let primary = nodes.first { $0.name == roles?.primary } ?? nodes[0]
        let fenced = nodes.filter { $0 != primary && roles?.fenced.contains($0.name) == true }
        return ServicePlacement(kind: kind, nodes: nodes, isLocal: false, primary: primary, fenced: fenced)
    }

    /// Whether a database service runs on several nodes: a primary and its replicas.
    public var isReplicated: Bool { !isLocal && kind.isDatabase && nodes.count > 1 }

    /// The nodes that replicate the primary and are in apps' environments.
    public var replicas: [NodeRecord] { nodes.filter { $0 != primary && !fenced.contains($0) } }

    /// Every node but the primary, fenced ones included: what setup-node makes replicas.
    public var followers: [NodeRecord] { nodes.filter { $0 != primary } }

    /// The nodes as a person reads them: `mysql1 (primary; replicas mysql2)`.
    public var summary: String {
        guard isReplicated else { return nodes.map(\.name).joined(separator: ", ") }
        let others = replicas.isEmpty ? "no replica" : "replica\(replicas.count == 1 ? "" : "s") " + replicas.map(\.name).joined(separator: ", ")
        return "\(primary.name) (primary; \(others))"
    }

    /// The address apps connect to: loopback when the service runs beside the app.
    public var host: String { isLocal ? "127.0.0.1" : primary.address }

    /// The addresses allowed to connect as the app's database user.
    public func clientAddresses(in topology: Topology) -> [String] {
        isLocal ? ["127.0.0.1"] : topology.addresses(of: .appserver)
    }
}

public enum ServicePlacementError: UserFacingError, Equatable {
    case needsServiceNode(ServiceKind, appservers: Int)
    case notCreated(ServiceKind, nodes: [String])
    case noAppServers(nodeset: String)

    public var exitStatus: Int32 {
        switch self {
        case .notCreated: ExitStatus.failure
        default: ExitStatus.badInput
        }
    }

    public var description: String {
        switch self {
        case .needsServiceNode(let kind, let count):
            "the app uses service.\(kind.rawValue), but the nodeset has no [service:\(kind.rawValue)] section and \(count) app servers: a \(kind.rawValue) on each app server would give each its own data. Add a [service:\(kind.rawValue)] section (nodes = 1), then run create-node and setup-node."
        case .notCreated(let kind, let nodes):
            "\(kind.rawValue) needs \(nodes.joined(separator: ", ")), which \(nodes.count == 1 ? "has" : "have") not been created yet; run `silver create-node` and `silver setup-node` first."
        case .noAppServers(let nodeset):
            "the nodeset \(nodeset) has no app servers to run apps and their services on"
        }
    }
}
