import Foundation

/// A persistent directory per app on each app server, owned by the app's user (`AppAccount`)
/// and kept across updates: `service.files` and `service.writable_root`. Each app server has its own
/// copy; nothing keeps them in step. Backups come from the first app server; restore and
/// clear act on every app server.
public struct DirectoryService: AppService {
    public let kind: ServiceKind
    /// The parent of every app's directory.
    public let root: String
    /// The environment variable that tells the app its directory.
    public let variable: String
    public let mode: Int

    public init(kind: ServiceKind, root: String, variable: String, mode: Int) {
        self.kind = kind
        self.root = root
        self.variable = variable
        self.mode = mode
    }

    public func directory(for app: String) -> String { "\(root)/\(app)" }

    public var clientPackages: [String] { [] }

    /// Nothing beyond the app server's role, which makes `root`.
    public func serverPlan(on node: NodeRecord, placement: ServicePlacement, topology: Topology) -> NodePlan { NodePlan() }

    /// The app's directory, made if missing, with the account that owns it; what is in it is
    /// left alone.
    func plan(for app: String) -> NodePlan {
        let account = AppAccount(app: app)
        return AppserverRole.accounts(for: [app]).merged(with: NodePlan(
            directories: [PlannedDirectory(directory(for: app), mode: mode, owner: account.user, group: account.group)]))
    }

    public func setUp(app: String, placement: ServicePlacement, context: ServiceContext) async throws -> [EnvironmentVariable] {
        try await context.ensureReachable(placement.nodes, for: kind)
        try await context.apply(plan(for: app), on: placement.nodes)
        return [EnvironmentVariable(name: variable, value: directory(for: app))]
    }

    public func hasData(app: String, placement: ServicePlacement, context: ServiceContext) async throws -> Bool {
        try await context.ensureReachable([placement.primary], for: kind)
        return try await context.ssh.run(Command("test", ["-d", directory(for: app)]), on: placement.primary.reach).succeeded
    }

    public func backup(app: String, placement: ServicePlacement, into directory: String, context: ServiceContext) async throws -> String {
        let node = placement.primary
        try await context.ensureReachable([node], for: kind)
        let files = NodeFiles(ssh: context.ssh, node: node.reach)
        let name = BackupLayout.fileName(for: kind)
        try await files.withScratchDirectory { scratch in
            try await context.ssh.check(
                Command("tar", ["--create", "--file=\(scratch)/\(name)", "--directory=\(self.directory(for: app))", "."],
                    step: "archive \(self.directory(for: app))"),
                on: node.reach)
            try await files.fetch("\(scratch)/\(name)", to: "\(directory)/\(name)")
        }
        return "\(node.name) (the first app server)"
    }

    public func restore(app: String, placement: ServicePlacement, from directory: String, context: ServiceContext) async throws {
        let name = BackupLayout.fileName(for: kind)
        let source = "\(directory)/\(name)"
        guard FileManager.default.fileExists(atPath: source) else { throw ServiceError.missingBackupFile(kind, path: source) }
        try await clear(app: app, placement: placement, context: context)
        let target = self.directory(for: app)
        let account = AppAccount(app: app)
        let ssh = context.ssh
        try await forEachOrThrow(placement.nodes, parallel: context.session.parallel, name: \.name) { node in
            let files = NodeFiles(ssh: ssh, node: node.reach)
            try await files.withScratchDirectory { scratch in
                try await files.send(source, to: "\(scratch)/\(name)")
                try await ssh.check(
                    Command("tar", ["--extract", "--same-owner", "--preserve-permissions", "--file=\(scratch)/\(name)", "--directory=\(target)"],
                        step: "unpack into \(target)"),
                    on: node.reach)
            }
            // A backup made elsewhere, or before apps had accounts, holds other owners and
            // its own mode for the directory itself.
            try await ssh.check(
                Command("chown", ["-R", "--no-dereference", "\(account.user):\(account.group)", target], step: "give \(target) to \(account.user)"),
                on: node.reach)
            try await ssh.check(Command("chmod", [String(self.mode, radix: 8), target], step: "close \(target) to others"), on: node.reach)
        }
    }

    public func clear(app: String, placement: ServicePlacement, context: ServiceContext) async throws {
        _ = try await setUp(app: app, placement: placement, context: context)
        let target = directory(for: app)
        let ssh = context.ssh
        try await forEachOrThrow(placement.nodes, parallel: context.session.parallel, name: \.name) { node in
            try await ssh.check(Command("find", [target, "-mindepth", "1", "-delete"], step: "empty \(target)"), on: node.reach)
        }
    }
}
