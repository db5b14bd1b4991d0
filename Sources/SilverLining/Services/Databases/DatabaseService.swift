import Foundation

/// `service.mysql`, `service.postgresql` and `service.postgis`: one database and one user per
/// app, both named after the app, on the node that runs the service (its primary, when it
/// has replicas). What differs between the servers is the `engine`'s; the order of the work
/// and which node does it is this type's.
public struct DatabaseService: AppService {
    public let engine: any ReplicationEngine

    public init(engine: any ReplicationEngine) {
        self.engine = engine
    }

    public static let mysql = DatabaseService(engine: MariaDB())
    public static let postgresql = DatabaseService(engine: PostgreSQL.postgresql)
    public static let postgis = DatabaseService(engine: PostgreSQL.postgis)

    /// The database service of `kind`; nil for services that are not databases.
    public static func of(_ kind: ServiceKind) -> DatabaseService? {
        ServiceCatalog.service(for: kind) as? DatabaseService
    }

    public var kind: ServiceKind { engine.kind }
    public var clientPackages: [String] { engine.clientPackages }

    public func serverPlan(on node: NodeRecord, placement: ServicePlacement, topology: Topology) -> NodePlan {
        engine.serverPlan(on: node, placement: placement, topology: topology)
    }

    public func setUp(app: String, placement: ServicePlacement, context: ServiceContext) async throws -> [EnvironmentVariable] {
        let password = try await prepare(app: app, placement: placement, context: context)
        return environment(app: app, password: password, placement: placement)
    }

    /// What the app gets when `placement` holds: its primary as the host, its replicas listed.
    func environment(app: String, password: String, placement: ServicePlacement) -> [EnvironmentVariable] {
        engine.environment(
            app: app, password: password, host: placement.host, replicas: placement.isReplicated ? placement.replicas.map(\.address) : nil)
    }

    /// Installs the server on the primary where it is missing and makes the app's database
    /// and user there (replicas get them through replication); returns the app's password.
    private func prepare(app: String, placement: ServicePlacement, context: ServiceContext) async throws -> String {
        let node = placement.primary
        try await context.ensurePrimaryReachable(placement)
        try await context.apply(serverPlan(on: node, placement: placement, topology: context.topology), on: [node])
        let password = try await context.secret(engine.secretName(app), on: node)
        try await engine.setUpApp(app, password: password, on: node, placement: placement, context: context)
        try await context.shareSecrets([engine.secretName(app): password], with: placement)
        return password
    }

    public func hasData(app: String, placement: ServicePlacement, context: ServiceContext) async throws -> Bool {
        let node = try await readSource(placement, context: context)
        guard try await context.ssh.run(Command("test", ["-x", engine.serverProgram]), on: node.reach).succeeded else { return false }
        let result = try await context.ssh.check(
            engine.admin(engine.existsSQL(database: app), database: nil, step: "look for \(app)'s \(kind.rawValue) database"), on: node.reach)
        return result.text.trimmed != "0"
    }

    /// Dumps from a replica when one is replicating, so that the primary's load is the app's
    /// alone; from the primary otherwise.
    public func backup(app: String, placement: ServicePlacement, into directory: String, context: ServiceContext) async throws -> String {
        let node = try await readSource(placement, context: context)
        let files = NodeFiles(ssh: context.ssh, node: node.reach)
        let name = BackupLayout.fileName(for: kind)
        try await files.withScratchDirectory(owner: engine.scratchOwner) { scratch in
            try await context.ssh.check(engine.dump(database: app, to: "\(scratch)/\(name)"), on: node.reach)
            try await files.fetch("\(scratch)/\(name)", to: "\(directory)/\(name)")
        }
        return node == placement.primary ? node.name : "\(node.name) (a replica)"
    }

    public func restore(app: String, placement: ServicePlacement, from directory: String, context: ServiceContext) async throws {
        let name = BackupLayout.fileName(for: kind)
        let source = "\(directory)/\(name)"
        guard FileManager.default.fileExists(atPath: source) else { throw ServiceError.missingBackupFile(kind, path: source) }
        try await clear(app: app, placement: placement, context: context)
        let node = placement.primary
        let files = NodeFiles(ssh: context.ssh, node: node.reach)
        try await files.withScratchDirectory(owner: engine.scratchOwner) { scratch in
            try await files.send(source, to: "\(scratch)/\(name)")
            try await context.ssh.check(engine.load(database: app, from: "\(scratch)/\(name)"), on: node.reach)
        }
    }

    /// Drops the app's database and makes it again, empty, with the same user and password.
    public func clear(app: String, placement: ServicePlacement, context: ServiceContext) async throws {
        let password = try await prepare(app: app, placement: placement, context: context)
        let node = placement.primary
        try await context.ssh.check(
            engine.admin(engine.dropSQL(database: app), database: nil, step: "drop \(app)'s \(kind.rawValue) database"), on: node.reach)
        try await engine.setUpApp(app, password: password, on: node, placement: placement, context: context)
    }
}

extension DatabaseService {
    /// Where the app's data is read from: a replica that replicates from the primary, when
    /// there is one (so that a dump does not load the primary, and works while it is down),
    /// else the primary.
    func readSource(_ placement: ServicePlacement, context: ServiceContext) async throws -> NodeRecord {
        if placement.isReplicated {
            for replica in try await context.reachable(placement.replicas) {
                if let state = try? await engine.state(of: replica, context: context), state.follows(placement.primary) { return replica }
            }
        }
        try await context.ensurePrimaryReachable(placement)
        return placement.primary
    }
}
