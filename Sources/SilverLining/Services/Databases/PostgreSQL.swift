import Foundation

/// PostgreSQL from Debian, for `service.postgresql` (and, with the PostGIS extension,
/// `service.postgis`). pg_hba lets a role reach only the database of its own name
/// (`sameuser`), and only from the app servers' addresses. Administration runs as the
/// `postgres` system user over the local socket, with SQL on psql's standard input.
public struct PostgreSQL: DatabaseEngine {
    /// Debian 12's PostgreSQL.
    public static let version = "15"
    public static let port = 5432
    public static var configurationDirectory: String { "/etc/postgresql/\(version)/main" }

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

    public static let postgresql = PostgreSQL(kind: .postgresql)

    public var port: Int { Self.port }
    /// psql, and the driver SQLAlchemy's `postgresql://` uses.
    public var clientPackages: [String] { ["postgresql-client", "python3-psycopg2"] }
    public var serverProgram: String { "/usr/lib/postgresql/\(Self.version)/bin/postgres" }
    public var scheme: String { "postgresql" }
    public var variablePrefix: String { "PG" }
    /// pg_dump and pg_restore run as `postgres` and must reach the file.
    public var scratchOwner: String? { "postgres" }

    public func serverPlan(on node: NodeRecord, placement: ServicePlacement, topology: Topology) -> NodePlan {
        let directory = Self.configurationDirectory
        var plan = NodePlan(
            packages: ["postgresql", "postgresql-client"] + extraServerPackages,
            files: [
                PlannedFile("\(directory)/conf.d/90-silverlining.conf", content: """
                    # Written by silver; changes here are replaced.
                    listen_addresses = '\(placement.isLocal ? "localhost" : "localhost,\(node.address)")'
                    password_encryption = scram-sha-256

                    """, owner: "postgres", group: "postgres", then: [.restart(unit: "postgresql")]),
                PlannedFile(
                    "\(directory)/pg_hba.conf",
                    content: Self.hostBasedAccess(
                        clients: placement.isLocal ? [] : topology.addresses(of: .appserver),
                        peers: placement.isReplicated ? placement.nodes.map(\.address) : []),
                    mode: 0o640, owner: "postgres", group: "postgres", then: [.reload(unit: "postgresql")]),
            ],
            services: ["postgresql"])
        if placement.isReplicated {
            // The drop-in first, so that systemd has read it before PostgreSQL restarts.
            plan.files = replicationFiles(on: node, placement: placement, topology: topology) + plan.files
            plan.services.append(Self.watchUnit)
        }
        return plan
    }

    /// Administration over the local socket as the matching system user; over the network,
    /// a role reaches only the database of its own name, by password, from loopback and the
    /// app servers; `postgres` never over the network. With replicas, the replication role
    /// streams (and asks whether a node is the primary) from the service's nodes only.
    static func hostBasedAccess(clients: [String], peers: [String] = []) -> String {
        var lines = [
            "# Written by silver; changes here are replaced.",
            "# TYPE  DATABASE  USER      ADDRESS          METHOD",
            "local   all       postgres                   peer",
            "local   all       all                        peer",
            "host    all       postgres  0.0.0.0/0        reject",
            "host    all       postgres  ::/0             reject",
        ]
        for address in peers {
            let source = (address + "/32").padding(toLength: 15, withPad: " ", startingAt: 0)
            lines.append("host    replication  \(replicationUser)  \(source)  scram-sha-256")
            lines.append("host    postgres     \(replicationUser)  \(source)  scram-sha-256")
        }
        lines.append("host    sameuser  all       127.0.0.1/32     scram-sha-256")
        lines.append("host    sameuser  all       ::1/128          scram-sha-256")
        for address in clients {
            lines.append("host    sameuser  all       \((address + "/32").padding(toLength: 15, withPad: " ", startingAt: 0))  scram-sha-256")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One secret per app whichever PostgreSQL service asks, since both use the same role.
    public func secretName(_ app: String) -> String { "postgresql/\(app)" }

    public func admin(_ sql: String, database: String?, step: String) -> Command {
        Self.psql(sql, database: database ?? "postgres", step: step)
    }

    public func existsSQL(database: String) -> String {
        "SELECT COUNT(*) FROM pg_database WHERE datname = \(Self.literal(database));\n"
    }

    public func setUpApp(_ app: String, password: String, on node: NodeRecord, placement: ServicePlacement, context: ServiceContext)
        async throws
    {
        try await context.check(
            Self.psql(Self.setUpSQL(role: app, database: app, password: password), step: "set up \(app)'s PostgreSQL role and database"),
            on: node, hiding: password)
        guard !extensions.isEmpty else { return }
        let sql = extensions.map { "CREATE EXTENSION IF NOT EXISTS \(Self.identifier($0));\n" }.joined()
        try await context.ssh.check(Self.psql(sql, database: app, step: "add \(extensions.joined(separator: ", ")) to \(app)'s database"), on: node.reach)
    }

    /// Connections still open to the database are ended: the app's own, mid-request.
    public func dropSQL(database: String) -> String {
        "DROP DATABASE IF EXISTS \(Self.identifier(database)) WITH (FORCE);\n"
    }

    /// `pg_dump -Fc`, as Silver Lining's backups are made.
    public func dump(database: String, to path: String) -> Command {
        Self.asPostgres("pg_dump", ["--format=custom", "--file=\(path)", "--dbname=\(database)"], step: "dump \(database)'s PostgreSQL database")
    }

    /// All of the dump or none of it, into the (empty) database.
    public func load(database: String, from path: String) -> Command {
        Self.asPostgres(
            "pg_restore", ["--exit-on-error", "--single-transaction", "--dbname=\(database)", path],
            step: "load \(database)'s PostgreSQL dump")
    }

    // MARK: - SQL and the programs, as values

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

    /// A PostgreSQL string literal (standard_conforming_strings is on, so only quotes double).
    static func literal(_ text: String) -> String {
        "'" + text.replacing("'", with: "''") + "'"
    }

    static func identifier(_ text: String) -> String {
        "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}
