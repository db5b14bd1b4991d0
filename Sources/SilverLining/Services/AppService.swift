/// A service an app asks for with `service.NAME =` in its app.ini. Each one is installed on
/// the node that runs it (its `[service:NAME]` node, or the app server itself when the
/// nodeset has no such section), set up for each app that uses it, and hands the app the
/// environment variables Silver Lining apps expect.
public protocol AppService: Sendable {
    var kind: ServiceKind { get }

    /// Debian packages an app server needs to use the service (client libraries).
    var clientPackages: [String] { get }

    /// What the node running the service needs: the server, listening on the node's address
    /// (`placement.isLocal`: on the app server itself, listening on loopback only).
    func serverPlan(on node: NodeRecord, placement: ServicePlacement, topology: Topology) -> NodePlan

    /// Makes the service ready for `app` (idempotent: database, user, a password generated
    /// once and kept on the service node readable by root only; access only from the app
    /// servers) and returns what the app's environment gets.
    func setUp(app: String, placement: ServicePlacement, context: ServiceContext) async throws -> [EnvironmentVariable]

    /// Writes the app's data into `directory` (on this machine) in Silver Lining's layout,
    /// e.g. `directory/mysql.dump`.
    func backup(app: String, placement: ServicePlacement, into directory: String, context: ServiceContext) async throws

    /// Replaces the app's data with what `backup` wrote into `directory`.
    func restore(app: String, placement: ServicePlacement, from directory: String, context: ServiceContext) async throws

    /// Empties the app's data, keeping the database, user and password.
    func clear(app: String, placement: ServicePlacement, context: ServiceContext) async throws
}

/// Where one service runs for a nodeset.
public struct ServicePlacement: Sendable, Equatable {
    public var kind: ServiceKind
    /// The nodes that run it: the `[service:NAME]` nodes, or the app servers themselves.
    public var nodes: [NodeRecord]
    /// True when the service runs on the app servers themselves (no `[service:NAME]`).
    public var isLocal: Bool

    public init(kind: ServiceKind, nodes: [NodeRecord], isLocal: Bool) {
        self.kind = kind
        self.nodes = nodes
        self.isLocal = isLocal
    }
}

/// What a service's work needs: the nodeset's nodes and the ways to reach them.
public struct ServiceContext: Sendable {
    public var session: NodesetSession
    public var agent: NodeAgent
    public var topology: Topology

    public init(session: NodesetSession, agent: NodeAgent, topology: Topology) {
        self.session = session
        self.agent = agent
        self.topology = topology
    }
}
