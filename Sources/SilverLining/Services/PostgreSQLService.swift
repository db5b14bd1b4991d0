import Foundation

/// `service.postgresql` (and, with the PostGIS extension, `service.postgis`): PostgreSQL
/// from Debian. One role and one database per app, both named after the app. pg_hba lets a
/// role reach only the database of its own name (`sameuser`), and only from the app
/// servers' addresses. Administration runs as the `postgres` system user over the local
/// socket, with SQL on psql's standard input.
public struct PostgreSQLService: AppService {
    /// Debian 12's PostgreSQL.
    public static let version = "15"
    public static let port = 5432
    public static var configurationDirectory: String { "/etc/postgresql/\(version)/main" }
    /// Present once the server is installed (the client alone has psql but not this).
    static var serverProgram: String { "/usr/lib/postgresql/\(version)/bin/postgres" }

    public let kind: ServiceKind
    /// Extensions created in every app database.
    public let extensions: [String]
    /// Packages the server needs beyond PostgreSQL itself.
    public let extraServerPackages: [String]

    public init(kind: ServiceKind, extensions: [String] = [], extraServerPackages: [String] = []) {
        self.kind = kind
        self.extensions = extensions
        self.extraServerPackages = extraServerPackages
    }

    public static let postgresql = PostgreSQLService(kind: .postgresql)

    /// psql, and the driver SQLAlchemy's `postgresql://` uses.
    public var clientPackages: [String] { ["postgresql-client", "python3-psycopg2"] }

    public func serverPlan(on node: NodeRecord, placement: ServicePlacement, topology: Topology) -> NodePlan {
        let directory = Self.configurationDirectory
        return NodePlan(
            packages: ["postgresql", "postgresql-client"] + extraServerPackages,
            files: [
                PlannedFile("\(directory)/conf.d/90-silverlining.conf", content: """
                    # Written by silver; changes here are replaced.
                    listen_addresses = '\(placement.isLocal ? "localhost" : "localhost,\(node.address)")'
                    password_encryption = scram-sha-256

                    """, owner: "postgres", group: "postgres", then: [.restart(unit: "postgresql")]),
                PlannedFile(
                    "\(directory)/pg_hba.conf", content: Self.hostBasedAccess(clients: placement.isLocal ? [] : topology.addresses(of: .appserver)),
                    mode: 0o640, owner: "postgres", group: "postgres", then: [.reload(unit: "postgresql")]),
            ],
            services: ["postgresql"])
    }

    /// Administration over the local socket as the matching system user; over the network,
    /// a role reaches only the database of its own name, by password, from loopback and the
    /// app servers; `postgres` never over the network.
    static func hostBasedAccess(clients: [String]) -> String {
        var lines = [
            "# Written by silver; changes here are replaced.",
            "# TYPE  DATABASE  USER      ADDRESS          METHOD",
            "local   all       postgres                   peer",
            "local   all       all                        peer",
            "host    all       postgres  0.0.0.0/0        reject",
            "host    all       postgres  ::/0             reject",
            "host    sameuser  all       127.0.0.1/32     scram-sha-256",
            "host    sameuser  all       ::1/128          scram-sha-256",
        ]
        for address in clients {
            lines.append("host    sameuser  all       \((address + "/32").padding(toLength: 15, withPad: " ", startingAt: 0))  scram-sha-256")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public func setUp(app: String, placement: ServicePlacement, context: ServiceContext) async throws -> [EnvironmentVariable] {
        let password = try await prepare(app: app, placement: placement, context: context)
        return Self.environment(database: app, user: app, password: password, host: placement.host, port: Self.port)
    }

    /// Installs the server where it is missing and makes the app's role and database;
    /// returns the app's password.
    private func prepare(app: String, placement: ServicePlacement, context: ServiceContext) async throws -> String {
        let node = placement.primary
        try await context.ensureReachable([node], for: kind)
        try await context.apply(serverPlan(on: node, placement: placement, topology: context.topology), on: [node])
        let password = try await context.secret(Self.secretName(app), on: node)
        try await createDatabase(app: app, password: password, on: node, context: context)
        return password
    }

    private func createDatabase(app: String, password: String, on node: NodeRecord, context: ServiceContext) async throws {
        try await context.ssh.check(
            Self.psql(Self.setUpSQL(role: app, database: app, password: password), step: "set up \(app)'s PostgreSQL role and database"),
            on: node.reach)
        guard !extensions.isEmpty else { return }
        let sql = extensions.map { "CREATE EXTENSION IF NOT EXISTS \(Self.identifier($0));\n" }.joined()
        try await context.ssh.check(Self.psql(sql, database: app, step: "add \(extensions.joined(separator: ", ")) to \(app)'s database"), on: node.reach)
    }

    public func hasData(app: String, placement: ServicePlacement, context: ServiceContext) async throws -> Bool {
        let node = placement.primary
        try await context.ensureReachable([node], for: kind)
        guard try await context.ssh.run(Command("test", ["-x", Self.serverProgram]), on: node.reach).succeeded else { return false }
        let sql = "SELECT COUNT(*) FROM pg_database WHERE datname = \(Self.literal(app));\n"
        let result = try await context.ssh.check(Self.psql(sql, step: "look for \(app)'s PostgreSQL database"), on: node.reach)
        return result.text.trimmed != "0"
    }

    public func backup(app: String, placement: ServicePlacement, into directory: String, context: ServiceContext) async throws {
        let node = placement.primary
        try await context.ensureReachable([node], for: kind)
        let files = NodeFiles(ssh: context.ssh, node: node.reach)
        let name = BackupLayout.fileName(for: kind)
        try await files.withScratchDirectory(owner: "postgres") { scratch in
            try await context.ssh.check(Self.dump(database: app, to: "\(scratch)/\(name)"), on: node.reach)
            try await files.fetch("\(scratch)/\(name)", to: "\(directory)/\(name)")
        }
    }

    public func restore(app: String, placement: ServicePlacement, from directory: String, context: ServiceContext) async throws {
        let name = BackupLayout.fileName(for: kind)
        let source = "\(directory)/\(name)"
        guard FileManager.default.fileExists(atPath: source) else { throw ServiceError.missingBackupFile(kind, path: source) }
        try await clear(app: app, placement: placement, context: context)
        let node = placement.primary
        let files = NodeFiles(ssh: context.ssh, node: node.reach)
        try await files.withScratchDirectory(owner: "postgres") { scratch in
            try await files.send(source, to: "\(scratch)/\(name)")
            try await context.ssh.check(Self.restore(database: app, from: "\(scratch)/\(name)"), on: node.reach)
        }
    }

    public func clear(app: String, placement: ServicePlacement, context: ServiceContext) async throws {
        let password = try await prepare(app: app, placement: placement, context: context)
        let node = placement.primary
        try await context.ssh.check(
            Self.psql("DROP DATABASE \(Self.identifier(app)) WITH (FORCE);\n", step: "drop \(app)'s PostgreSQL database"), on: node.reach)
        try await createDatabase(app: app, password: password, on: node, context: context)
    }

    // MARK: - What runs on the node, as values

    /// One secret per app whichever PostgreSQL service asks, since both use the same role.
    static func secretName(_ app: String) -> String { "postgresql/\(app)" }

    /// A PostgreSQL program run as the `postgres` system user, from `/` (its tools complain
    /// when they cannot read the directory they start in).
    static func asPostgres(_ program: String, _ arguments: [String], input: String = "", step: String) -> Command {
        Command("env", ["-C", "/", "runuser", "-u", "postgres", "--", program] + arguments, input: input, step: step)
    }

    /// psql reading `sql` on standard input, stopping at the first error.
    static func psql(_ sql: String, database: String = "postgres", step: String) -> Command {
        asPostgres(
            "psql", ["--no-psqlrc", "--quiet", "--tuples-only", "--no-align", "--set=ON_ERROR_STOP=1", "--dbname=\(database)"],
            input: sql, step: step)
    }

    /// `pg_dump -Fc`, as Silver Lining's backups are made.
    static func dump(database: String, to path: String) -> Command {
        asPostgres("pg_dump", ["--format=custom", "--file=\(path)", "--dbname=\(database)"], step: "dump \(database)'s PostgreSQL database")
    }

    /// All of the dump or none of it, into the (empty) database.
    static func restore(database: String, from path: String) -> Command {
        asPostgres(
            "pg_restore", ["--exit-on-error", "--single-transaction", "--dbname=\(database)", path],
            step: "load \(database)'s PostgreSQL dump")
    }

    /// Creates what is missing and brings the rest in line: a login role with the app's
    /// password and no other powers, and a database it owns that no other role may connect to.
    /// (`\gexec` runs the statement the query returns, so CREATE runs only when needed.)
    static func setUpSQL(role: String, database: String, password: String) -> String {
        """
        SELECT format('CREATE ROLE %I', \(literal(role)))
          WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = \(literal(role)))
        \\gexec
        ALTER ROLE \(identifier(role)) WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD \(literal(password));
        SELECT format('CREATE DATABASE %I OWNER %I TEMPLATE template0 ENCODING %L', \(literal(database)), \(literal(role)), 'UTF8')
          WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = \(literal(database)))
        \\gexec
        REVOKE ALL ON DATABASE \(identifier(database)) FROM PUBLIC;
        GRANT ALL ON DATABASE \(identifier(database)) TO \(identifier(role));

        """
    }

    static func environment(database: String, user: String, password: String, host: String, port: Int) -> [EnvironmentVariable] {
        DatabaseURL(scheme: "postgresql", user: user, password: password, host: host, port: port, database: database).environment(prefix: "PG")
    }

    /// A PostgreSQL string literal (standard_conforming_strings is on, so only quotes double).
    static func literal(_ text: String) -> String {
        "'" + text.replacing("'", with: "''") + "'"
    }

    static func identifier(_ text: String) -> String {
        "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}
