/// Which apps hold data on a database node: every database on it that is not the server's
/// own, whatever app made it. delete-node refuses to delete such a node (its data would go
/// with it), and sets each of these apps up again on the nodes that stay when app servers
/// leave. Asked of the server rather than taken from the nodeset's locations, so an app whose
/// location was since removed still counts.
enum ServiceData {
    /// The apps' databases on `node`, sorted; none when the server was never installed there.
    static func apps(on node: NodeRecord, kind: ServiceKind, context: ServiceContext) async throws -> [String] {
        guard let engine = (ServiceCatalog.service(for: kind) as? DatabaseService)?.engine else { return [] }
        let sql = engine.kind == .mysql ? mysqlDatabases : postgresqlDatabases
        let (program, listing) = (engine.serverProgram, engine.admin(sql, database: nil, step: "list the \(kind.rawValue) databases"))
        guard try await context.ssh.run(Command("test", ["-x", program]), on: node.reach).succeeded else { return [] }
        let names = try await context.ssh.check(listing, on: node.reach).text
        return names.split(separator: "\n").map { $0.trimmed }.filter { !$0.isEmpty }.sorted()
    }

    /// Databases MariaDB keeps for itself.
    static let mysqlDatabases = """
        SELECT SCHEMA_NAME FROM information_schema.SCHEMATA
          WHERE SCHEMA_NAME NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys');

        """

    /// PostgreSQL's own database and templates left out.
    static let postgresqlDatabases = "SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres';\n"
}
