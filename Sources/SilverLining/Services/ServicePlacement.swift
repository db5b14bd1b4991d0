/// Where one service runs for a nodeset.
public struct ServicePlacement: Sendable, Equatable {
    public var kind: ServiceKind
    /// The nodes that run it: the `[service:NAME]` node, or the app servers themselves.
    public var nodes: [NodeRecord]
    /// True when the service runs on the app servers themselves (no `[service:NAME]`, or a
    /// service such as `files` that always lives on each app server).
    public var isLocal: Bool

    public init(kind: ServiceKind, nodes: [NodeRecord], isLocal: Bool) {
        self.kind = kind
        self.nodes = nodes
        self.isLocal = isLocal
    }

    /// Where `kind` runs in `topology`. Database services run on their `[service:NAME]` node;
    /// without that section, on the single app server itself, as single-server Silver Lining
    /// ran them. `files` and `writable_root` live on every app server.
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
        guard configured.count == 1 else { throw .severalNodes(kind, count: configured.count) }
        let recorded = topology.nodes(in: role)
        guard !recorded.isEmpty else { throw .notCreated(kind, nodes: configured.map(\.name)) }
        return ServicePlacement(kind: kind, nodes: recorded, isLocal: false)
    }

    /// The node a database service runs on (its only node), or the first app server, where
    /// backups of per-app-server directories are taken from.
    public var primary: NodeRecord { nodes[0] }

    /// The address apps connect to: loopback when the service runs beside the app.
    public var host: String { isLocal ? "127.0.0.1" : primary.address }

    /// The addresses allowed to connect as the app's database user.
    public func clientAddresses(in topology: Topology) -> [String] {
        isLocal ? ["127.0.0.1"] : topology.addresses(of: .appserver)
    }
}

public enum ServicePlacementError: UserFacingError, Equatable {
    case needsServiceNode(ServiceKind, appservers: Int)
    case severalNodes(ServiceKind, count: Int)
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
        case .severalNodes(let kind, let count):
            "[service:\(kind.rawValue)] has \(count) nodes, but silver runs \(kind.rawValue) on one node (it does not replicate databases). Set nodes = 1 in [service:\(kind.rawValue)]."
        case .notCreated(let kind, let nodes):
            "\(kind.rawValue) needs \(nodes.joined(separator: ", ")), which \(nodes.count == 1 ? "has" : "have") not been created yet; run `silver create-node` and `silver setup-node` first."
        case .noAppServers(let nodeset):
            "the nodeset \(nodeset) has no app servers to run apps and their services on"
        }
    }
}
