import Foundation

/// MariaDB from Debian, for `service.mysql`. The app's user exists once per app server
/// address (`'blog'@'10.4.3.2'`), so it can connect from the app servers and from nowhere
/// else. Administration runs as root over MariaDB's local socket on the service node, with
/// SQL on the client's standard input.
public struct MariaDB: DatabaseEngine {
    public static let port = 3306
    public static let configurationPath = "/etc/mysql/mariadb.conf.d/90-silverlining.cnf"

    public init() {}

    public var kind: ServiceKind { .mysql }
    public var port: Int { Self.port }
    /// The client (for `mysql` at a shell) and the driver SQLAlchemy's `mysql://` uses.
    public var clientPackages: [String] { ["mariadb-client", "python3-mysqldb"] }
    public var serverProgram: String { "/usr/sbin/mariadbd" }
    public var scheme: String { "mysql" }
    public var variablePrefix: String { "MYSQL" }
    public var scratchOwner: String? { nil }

    public func serverPlan(on node: NodeRecord, placement: ServicePlacement, topology: Topology) -> NodePlan {
        var settings = """
            # Written by silver; changes here are replaced.
            [mysqld]
            bind-address = \(placement.isLocal ? "127.0.0.1" : node.address)
            skip-name-resolve
            character-set-server = utf8mb4
            collation-server = utf8mb4_unicode_ci

            """
        guard placement.isReplicated else {
            return NodePlan(
                packages: ["mariadb-server", "mariadb-client"],
                files: [PlannedFile(Self.configurationPath, content: settings, then: [.restart(unit: "mariadb")])], services: ["mariadb"])
        }
        settings += Self.replicationSettings(serverID: (placement.nodes.firstIndex(of: node) ?? 0) + 1)
        // The drop-in first, so that systemd has read it before MariaDB restarts.
        return NodePlan(
            packages: ["mariadb-server", "mariadb-client", "mariadb-backup"],
            files: replicationFiles(on: node, placement: placement, topology: topology)
                + [PlannedFile(Self.configurationPath, content: settings, then: [.restart(unit: "mariadb")])],
            services: ["mariadb"])
    }

    public func secretName(_ app: String) -> String { "mysql/\(app)" }

    public func admin(_ sql: String, database: String?, step: String) -> Command {
        Self.client(sql, database: database, step: step)
    }

    public func existsSQL(database: String) -> String {
        "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = \(Self.literal(database));\n"
    }

    public func setUpApp(_ app: String, password: String, on node: NodeRecord, placement: ServicePlacement, context: ServiceContext)
        async throws
    {
        let existing = try await context.ssh.check(
            Self.client(Self.accountHostsSQL(user: app), step: "list \(app)'s MariaDB accounts"), on: node.reach)
        let sql = Self.setUpSQL(
            database: app, user: app, password: password, hosts: placement.clientAddresses(in: context.topology),
            existingHosts: existing.text.split(separator: "\n").map { $0.trimmed })
        try await context.check(Self.client(sql, step: "set up \(app)'s MariaDB database and user"), on: node, hiding: password)
    }

    /// Privileges on `db`.* are kept by MariaDB across DROP DATABASE, so the app's accounts
    /// keep working once `setUpApp` has made the database again.
    public func dropSQL(database: String) -> String {
        "DROP DATABASE IF EXISTS \(Self.identifier(database));\n"
    }

    public func dump(database: String, to path: String) -> Command {
        Command(
            "mysqldump",
            ["--single-transaction", "--routines", "--triggers", "--default-character-set=utf8mb4", "--result-file=\(path)", database],
            step: "dump \(database)'s MariaDB database")
    }

    /// The `mysql` client reading a dump file on the node. The shell only redirects: the
    /// script is fixed, the database and path are its arguments, quoted as words.
    public func load(database: String, from path: String) -> Command {
        Command(
            "sh", ["-c", "exec mysql --batch --default-character-set=utf8mb4 --database=\"$1\" < \"$2\"", "sh", database, path],
            step: "load \(database)'s MariaDB dump")
    }

    // MARK: - SQL and the client, as values

    /// The `mysql` client as root over the local socket, reading `sql` on standard input.
    static func client(_ sql: String, database: String? = nil, step: String) -> Command {
        Command(
            "mysql", ["--batch", "--skip-column-names", "--default-character-set=utf8mb4"] + (database.map { ["--database=\($0)"] } ?? []),
            input: sql, step: step)
    }

    static func accountHostsSQL(user: String) -> String {
        "SELECT Host FROM mysql.user WHERE User = \(literal(user));\n"
    }

    /// Creates what is missing and brings the rest in line: the database, one account per
    /// allowed address with the app's password and every privilege on its database only, and
    /// no account for an address no longer allowed (an app server that was removed).
    static func setUpSQL(database: String, user: String, password: String, hosts: [String], existingHosts: [String]) -> String {
        var lines = ["CREATE DATABASE IF NOT EXISTS \(identifier(database)) \(characterSet);"]
        for host in hosts {
            let account = "\(literal(user))@\(literal(host))"
            lines.append("CREATE USER IF NOT EXISTS \(account) IDENTIFIED BY \(literal(password));")
            lines.append("ALTER USER \(account) IDENTIFIED BY \(literal(password));")
            lines.append("GRANT ALL PRIVILEGES ON \(identifier(database)).* TO \(account);")
        }
        for host in existingHosts where !host.isEmpty && !hosts.contains(host) {
            lines.append("DROP USER IF EXISTS \(literal(user))@\(literal(host));")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static let characterSet = "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"

    /// A MariaDB string literal: backslashes and quotes escaped (MariaDB treats `\` as an
    /// escape inside strings).
    static func literal(_ text: String) -> String {
        "'" + text.replacing("\\", with: "\\\\").replacing("'", with: "''") + "'"
    }

    static func identifier(_ text: String) -> String {
        "`" + text.replacing("`", with: "``") + "`"
    }
}
