/// A database engine that runs as a primary with replicas (`[service:NAME] nodes = N`, N ≥ 2):
/// what setup-node, `silver failover` and `silver query` need from MariaDB or PostgreSQL, as
/// SQL and commands. `DatabaseReplication` and `DatabaseFailover` put them in order.
public protocol ReplicationEngine: DatabaseEngine {
    /// Files a node of a replicated service has, given which node is the primary: the
    /// server's replication settings, the boot plan that fences a returning old primary, and
    /// the systemd drop-in that runs it.
    func replicationFiles(on node: NodeRecord, placement: ServicePlacement, topology: Topology) -> [PlannedFile]

    /// Files a follower needs that hold the replication password (PostgreSQL's passfile).
    func secretFiles(password: String) -> [PlannedFile]

    /// On the primary: the replication account, allowed from the service's nodes only, with
    /// `password`, and what each follower needs there (PostgreSQL's replication slots).
    func primarySQL(password: String, placement: ServicePlacement) -> String

    /// Prints what `parseStatus` reads, run on the node.
    var statusCommand: Command { get }
    func parseStatus(_ text: String) -> ReplicaState

    /// Prints how many databases beyond the server's own a node holds: 0 on a node that
    /// was never more than installed, which may be copied over without losing anything.
    var appDatabasesSQL: String { get }

    /// Replaces `node`'s data with a copy of the primary's and starts it replicating.
    func rebuild(_ node: NodeRecord, placement: ServicePlacement, password: String, context: ServiceContext) async throws

    /// Makes a replica the primary, once it has applied everything it received (`state`).
    func promote(_ node: NodeRecord, state: ReplicaState, context: ServiceContext) async throws

    /// Points a replica at `placement`'s primary (just promoted).
    func follow(_ node: NodeRecord, placement: ServicePlacement, topology: Topology, context: ServiceContext) async throws

    /// Stops a primary that still answers from taking writes: it stays up, read-only.
    func fence(_ node: NodeRecord, context: ServiceContext) async throws

    /// Makes the recorded primary writable (after setup-node's restart, before its boot plan
    /// has run, or a primary that fenced itself wrongly).
    func makeWritable(_ node: NodeRecord, context: ServiceContext) async throws
}

extension ReplicationEngine {
    public static var replicationUser: String { "silver_replication" }

    /// The replication password's name in each service node's `SecretStore`.
    public var replicationSecret: String { "replication/\(kind.rawValue)" }

    /// The folder of the apps' passwords in the `SecretStore` (`mysql`, `postgresql`).
    public var secretFolder: String { String(secretName("app").split(separator: "/")[0]) }

    /// Where the boot plan is kept on each node.
    public var bootPlanPath: String { "/etc/silverlining/databases/\(kind.rawValue).json" }

    /// What the node's state says about it, read with the administrator's client.
    public func state(of node: NodeRecord, context: ServiceContext) async throws -> ReplicaState {
        let result = try await context.ssh.check(statusCommand, on: node.reach)
        return parseStatus(result.text)
    }
}

/// What a node of a replicated database says about itself.
public struct ReplicaState: Sendable, Equatable {
    /// Takes writes: MariaDB without `read_only`, PostgreSQL out of recovery.
    public var writable: Bool
    /// The address it replicates from, when it is set up as a replica.
    public var source: String?
    /// Connected to its source and receiving.
    public var receiving: Bool
    /// Applying what it receives.
    public var applying: Bool
    /// Seconds behind its source, when known.
    public var lag: Double?
    /// How far it has received (a primary: written), comparable between the nodes of one service.
    public var received: UInt64
    /// The same as the engine writes it (a GTID list, an LSN), for waits and messages.
    public var position: String
    /// The last replication error, if any.
    public var error: String?
    /// A primary's commits wait for a replica now (nil: unknown). False when none is connected
    /// or the replicas fell behind: commits are then on the primary alone until one catches up.
    public var waitsForReplica: Bool?

    public init(
        writable: Bool, source: String? = nil, receiving: Bool = false, applying: Bool = false, lag: Double? = nil, received: UInt64 = 0,
        position: String = "", error: String? = nil, waitsForReplica: Bool? = nil
    ) {
        self.writable = writable
        self.source = source
        self.receiving = receiving
        self.applying = applying
        self.lag = lag
        self.received = received
        self.position = position
        self.error = error
        self.waitsForReplica = waitsForReplica
    }

    /// Replicating from `primary` and keeping up with it.
    public func follows(_ primary: NodeRecord) -> Bool {
        !writable && source == primary.address && receiving && applying
    }
}
