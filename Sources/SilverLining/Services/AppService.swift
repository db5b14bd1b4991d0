/// A service an app asks for with `service.NAME =` in its app.ini. Each one is installed on
/// the node that runs it (its `[service:NAME]` node, or the app server itself when the
/// nodeset has no such section), set up for each app that uses it, and hands the app the
/// environment variables Silver Lining apps expect. `ServiceCatalog` maps each kind to its
/// service; `ServicePlacement.resolve` says where it runs.
public protocol AppService: Sendable {
    var kind: ServiceKind { get }

    /// Debian packages an app server needs to use the service (client programs and libraries).
    var clientPackages: [String] { get }

    /// What the node running the service needs: the server, listening on the node's address
    /// (`placement.isLocal`: on the app server itself, listening on loopback only). setup-node
    /// applies it on `[service:NAME]` nodes; `setUp` applies it wherever the service runs, so
    /// an update need not.
    func serverPlan(on node: NodeRecord, placement: ServicePlacement, topology: Topology) -> NodePlan

    /// Makes the service ready for `app` and returns what the app's environment gets.
    /// Idempotent: installs the server (its `serverPlan`) where it is missing, then makes the
    /// app's database, user and a password generated once and kept on the service node
    /// readable by root only, with access only from the app servers. Fails at once, naming
    /// the node, when a node it needs does not answer.
    func setUp(app: String, placement: ServicePlacement, context: ServiceContext) async throws -> [EnvironmentVariable]

    /// Whether the app has data in this service (its database or directory exists), without
    /// changing anything.
    func hasData(app: String, placement: ServicePlacement, context: ServiceContext) async throws -> Bool

    /// Writes the app's data into `directory` (on this machine, the service's own folder of a
    /// backup) in Silver Lining's layout: `BackupLayout.fileName(for: kind)`. Returns the node
    /// it was read from, as a person reads it.
    func backup(app: String, placement: ServicePlacement, into directory: String, context: ServiceContext) async throws -> String

    /// Replaces the app's data with what `backup` wrote into `directory`, setting the
    /// service up for the app first if it was not.
    func restore(app: String, placement: ServicePlacement, from directory: String, context: ServiceContext) async throws

    /// Empties the app's data, keeping the database, user and password.
    func clear(app: String, placement: ServicePlacement, context: ServiceContext) async throws
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

    /// The context for a nodeset whose nodes have all been created: its recorded topology
    /// and the node agent this build of silver uploads.
    public static func open(session: NodesetSession) async throws -> ServiceContext {
        let topology = try await session.topology()
        return ServiceContext(session: session, agent: NodeAgent(ssh: session.ssh, binary: try AgentBinary.locate()), topology: topology)
    }

    public var ssh: SSH { session.ssh }
    public var console: Console { session.console }
}
