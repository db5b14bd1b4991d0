/// What differs between the database servers silver runs (MariaDB, PostgreSQL, PostgreSQL
/// with PostGIS): packages, configuration, SQL and the commands that run it, all as values.
/// `DatabaseService` does the same work over any of them: set an app up, say whether it has
/// data, back it up, restore it, clear it.
public protocol DatabaseEngine: Sendable {
    var kind: ServiceKind { get }
    var port: Int { get }
    /// Debian packages an app server needs to use the database (client and Python driver).
    var clientPackages: [String] { get }
    /// Present on a node once the server is installed (the client alone does not have it).
    var serverProgram: String { get }
    /// The scheme of `DATABASE_URL` and `CONFIG_*_SQLALCHEMY`.
    var scheme: String { get }
    /// `MYSQL` makes `CONFIG_MYSQL_HOST` and the rest.
    var variablePrefix: String { get }

    /// The server, listening where `placement` says, as setup-node and `DatabaseService`
    /// install it on `node`.
    func serverPlan(on node: NodeRecord, placement: ServicePlacement, topology: Topology) -> NodePlan

    /// The name of the app's password in the service node's `SecretStore`.
    func secretName(_ app: String) -> String

    /// The administrator's client on the service node, reading `sql` on standard input.
    func admin(_ sql: String, database: String?, step: String) -> Command

    /// Prints a count that is not 0 when the app's database exists.
    func existsSQL(database: String) -> String

    /// Makes the app's database and user, or brings them in line, on the service's primary
    /// node: the user may connect from `placement`'s clients only, with `password`.
    func setUpApp(_ app: String, password: String, on node: NodeRecord, placement: ServicePlacement, context: ServiceContext)
        async throws

    /// Drops the app's database (if it exists), so that `setUpApp` makes it again, empty.
    func dropSQL(database: String) -> String

    /// Who owns the scratch directory a dump is written to and loaded from on the node.
    var scratchOwner: String? { get }

    /// Writes the app's database to `path` on the node, in Silver Lining's backup format.
    func dump(database: String, to path: String) -> Command

    /// Loads what `dump` wrote into the (empty) database.
    func load(database: String, from path: String) -> Command
}

extension DatabaseEngine {
    /// What the app's processes get: Silver Lining's `CONFIG_*` names and `DATABASE_URL`
    /// naming `host`, and, for a service with replicas, `CONFIG_*_REPLICAS` listing them as
    /// `host:port` words.
    public func environment(app: String, password: String, host: String, replicas: [String]?) -> [EnvironmentVariable] {
        let url = DatabaseURL(scheme: scheme, user: app, password: password, host: host, port: port, database: app)
        var variables = url.environment(prefix: variablePrefix)
        // CONFIG_MYSQL_USERNAME beside CONFIG_MYSQL_USER: Silver Lining's docs name the one,
        // its source set the other, and apps were written against both.
        if let user = variables.firstIndex(where: { $0.name == "CONFIG_MYSQL_USER" }) {
            variables.insert(EnvironmentVariable(name: "CONFIG_MYSQL_USERNAME", value: app), at: user + 1)
        }
        if let replicas {
            variables.append(EnvironmentVariable(name: replicasVariable, value: replicas.map { "\($0):\(port)" }.joined(separator: " ")))
        }
        return variables
    }

    /// `CONFIG_MYSQL_REPLICAS`, `CONFIG_PG_REPLICAS`.
    public var replicasVariable: String { "CONFIG_\(variablePrefix)_REPLICAS" }
}
