import Foundation

/// `service.mysql`: MariaDB from Debian. One database and one user per app, both named after
/// the app; the user exists once per app server address (`'blog'@'10.4.3.2'`), so it can
/// connect from the app servers and from nowhere else. Administration runs as root over
/// MariaDB's local socket on the service node, with SQL on the client's standard input.
public struct MySQLService: AppService {
    public static let port = 3306
    public static let configurationPath = "/etc/mysql/mariadb.conf.d/90-silverlining.cnf"
    /// Present once the server is installed.
    static let serverProgram = "/usr/sbin/mariadbd"

    public init() {}

    public var kind: ServiceKind { .mysql }

    /// The client (for `mysql` at a shell) and the driver SQLAlchemy's `mysql://` uses.
    public var clientPackages: [String] { ["mariadb-client", "python3-mysqldb"] }

    public func serverPlan(on node: NodeRecord, placement: ServicePlacement, topology: Topology) -> NodePlan {
        NodePlan(
            packages: ["mariadb-server", "mariadb-client"],
            files: [
                PlannedFile(Self.configurationPath, content: """
                    # Written by silver; changes here are replaced.
                    [mysqld]
                    bind-address = \(placement.isLocal ? "127.0.0.1" : node.address)
                    skip-name-resolve
                    character-set-server = utf8mb4
                    collation-server = utf8mb4_unicode_ci

                    """, then: [.restart(unit: "mariadb")])
            ],
            services: ["mariadb"])
    }

    public func setUp(app: String, placement: ServicePlacement, context: ServiceContext) async throws -> [EnvironmentVariable] {
        let node = placement.primary
        try await context.ensureReachable([node], for: kind)
        try await context.apply(serverPlan(on: node, placement: placement, topology: context.topology), on: [node])
        let password = try await context.secret(Self.secretName(app), on: node)
        let existing = try await context.ssh.check(
            Self.client(Self.accountHostsSQL(user: app), step: "list \(app)'s MariaDB accounts"), on: node.reach)
        let hosts = placement.clientAddresses(in: context.topology)
        let sql = Self.setUpSQL(
            database: app, user: app, password: password, hosts: hosts,
            existingHosts: existing.text.split(separator: "\n").map { $0.trimmed })
        try await context.ssh.check(Self.client(sql, step: "set up \(app)'s MariaDB database and user"), on: node.reach)
        return Self.environment(database: app, user: app, password: password, host: placement.host, port: Self.port)
    }

    public func hasData(app: String, placement: ServicePlacement, context: ServiceContext) async throws -> Bool {
        let node = placement.primary
        try await context.ensureReachable([node], for: kind)
        guard try await context.ssh.run(Command("test", ["-x", Self.serverProgram]), on: node.reach).succeeded else { return false }
        let sql = "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = \(Self.literal(app));\n"
        let result = try await context.ssh.check(Self.client(sql, step: "look for \(app)'s MariaDB database"), on: node.reach)
        return result.text.trimmed != "0"
    }

    public func backup(app: String, placement: ServicePlacement, into directory: String, context: ServiceContext) async throws {
        let node = placement.primary
        try await context.ensureReachable([node], for: kind)
        let files = NodeFiles(ssh: context.ssh, node: node.reach)
        try await files.withScratchDirectory { scratch in
            let dump = "\(scratch)/\(BackupLayout.fileName(for: kind))"
            try await context.ssh.check(Self.dump(database: app, to: dump), on: node.reach)
            try await files.fetch(dump, to: "\(directory)/\(BackupLayout.fileName(for: kind))")
        }
    }

    public func restore(app: String, placement: ServicePlacement, from directory: String, context: ServiceContext) async throws {
        let source = "\(directory)/\(BackupLayout.fileName(for: kind))"
        guard FileManager.default.fileExists(atPath: source) else { throw ServiceError.missingBackupFile(kind, path: source) }
        _ = try await setUp(app: app, placement: placement, context: context)
        let node = placement.primary
        let files = NodeFiles(ssh: context.ssh, node: node.reach)
        try await files.withScratchDirectory { scratch in
            let dump = "\(scratch)/\(BackupLayout.fileName(for: kind))"
            try await files.send(source, to: dump)
            try await context.ssh.check(Self.client(Self.recreateSQL(database: app), step: "empty \(app)'s MariaDB database"), on: node.reach)
            try await context.ssh.check(Self.load(database: app, from: dump), on: node.reach)
        }
    }

    public func clear(app: String, placement: ServicePlacement, context: ServiceContext) async throws {
        _ = try await setUp(app: app, placement: placement, context: context)
        try await context.ssh.check(
            Self.client(Self.recreateSQL(database: app), step: "empty \(app)'s MariaDB database"), on: placement.primary.reach)
    }

    // MARK: - What runs on the node, as values

    static func secretName(_ app: String) -> String { "mysql/\(app)" }

    /// The `mysql` client as root over the local socket, reading `sql` on standard input.
    static func client(_ sql: String, database: String? = nil, step: String) -> Command {
        Command(
            "mysql", ["--batch", "--skip-column-names", "--default-character-set=utf8mb4"] + (database.map { ["--database=\($0)"] } ?? []),
            input: sql, step: step)
    }

    /// The `mysql` client reading a dump file on the node. The shell only redirects: the
    /// script is fixed, the database and path are its arguments, quoted as words.
    static func load(database: String, from path: String) -> Command {
        Command(
            "sh", ["-c", "exec mysql --batch --default-character-set=utf8mb4 --database=\"$1\" < \"$2\"", "sh", database, path],
            step: "load \(database)'s MariaDB dump")
    }

    static func dump(database: String, to path: String) -> Command {
        Command(
            "mysqldump",
            ["--single-transaction", "--routines", "--triggers", "--default-character-set=utf8mb4", "--result-file=\(path)", database],
            step: "dump \(database)'s MariaDB database")
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

    /// An empty database of the same name. Privileges on `db`.* are kept by MariaDB across
    /// DROP DATABASE, so the app's accounts keep working.
    static func recreateSQL(database: String) -> String {
        "DROP DATABASE IF EXISTS \(identifier(database));\nCREATE DATABASE \(identifier(database)) \(characterSet);\n"
    }

    static let characterSet = "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"

    /// With `CONFIG_MYSQL_USERNAME` beside `CONFIG_MYSQL_USER`: Silver Lining's docs name the
    /// one, its source set the other, and apps were written against both.
    static func environment(database: String, user: String, password: String, host: String, port: Int) -> [EnvironmentVariable] {
        var variables = DatabaseURL(scheme: "mysql", user: user, password: password, host: host, port: port, database: database)
            .environment(prefix: "MYSQL")
        let index = (variables.firstIndex { $0.name == "CONFIG_MYSQL_USER" } ?? 0) + 1
        variables.insert(EnvironmentVariable(name: "CONFIG_MYSQL_USERNAME", value: user), at: index)
        return variables
    }

    /// A MariaDB string literal: backslashes and quotes escaped (MariaDB treats `\` as an
    /// escape inside strings).
    static func literal(_ text: String) -> String {
        "'" + text.replacing("\\", with: "\\\\").replacing("'", with: "''") + "'"
    }

    static func identifier(_ text: String) -> String {
        "`" + text.replacing("`", with: "``") + "`"
    }
}
