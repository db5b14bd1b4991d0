import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Who owns each file an app has on an app server, and its mode: the one table the agent
/// writes them by and moves a node's older files to. Private things (the environment with
/// its passwords, `files`, logs, `TEMP`, the deployment configuration) belong to the app's
/// user alone; what nginx serves (the instance's files, the writable root) is also readable
/// by the app's group, which holds the app's user and the web server and no other app.
public struct AppFiles: Sendable {
    public var paths: NodePaths
    public var account: ResolvedAccount

    public init(paths: NodePaths = NodePaths(), account: ResolvedAccount) {
        self.paths = paths
        self.account = account
    }

    public static let environmentMode = 0o600
    public static let logMode = 0o600
    public static let temporaryMode = 0o700
    /// `service.files`: the app's alone.
    public static let filesMode = 0o700
    /// `service.writable_root`: the app writes, nginx (its group) reads.
    public static let writableRootMode = 0o750
    public static let configDirectoryMode = 0o700
    public static let configFileMode = 0o600
    /// An instance's directories are root's, so the app cannot change its own code, and its
    /// group's, so that nginx serves `static/` and `php_root` from them; its files keep
    /// their modes (executables stay executable) without group write or anything for others.
    public static let instanceDirectoryMode = 0o750
    static func instanceMode(_ status: FileSystem.Status) -> Int {
        status.isDirectory ? instanceDirectoryMode : (status.mode | 0o040) & ~0o027
    }

    var registry: InstanceRegistry { InstanceRegistry(paths: paths) }

    /// The instance's environment, which holds service passwords.
    public func writeEnvironment(_ variables: [EnvironmentVariable], of instance: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try FileSystem.writeAtomically(
            registry.environmentPath(instance), bytes: [UInt8](try encoder.encode(variables)), mode: Self.environmentMode,
            uid: account.uid, gid: account.gid)
    }

    /// Makes the instance's log the app's before its unit starts: systemd opens it as root
    /// (`StandardOutput=append:`) and would make a missing one readable by everyone. A log
    /// that exists keeps its lines.
    public func prepareLog(_ instance: String) throws {
        let path = paths.path(NodeLayout.logFile(instance))
        try FileManager.default.createDirectory(atPath: FileSystem.parent(of: path), withIntermediateDirectories: true)
        // Apps could write where logs are on nodes set up before they had accounts: a link
        // left there would have systemd, which follows it, append as root elsewhere.
        if FileSystem.status(path)?.isSymbolicLink == true { try FileSystem.remove(path) }
        // Made 0600 and root's, then given away: never open to anyone else for a moment.
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AgentError.system("cannot make \(path)", errno) }
        defer { close(fd) }
        guard fchown(fd, account.uid, account.gid) == 0, fchmod(fd, mode_t(Self.logMode)) == 0 else {
            throw AgentError.system("cannot give \(path) to the app", errno)
        }
    }

    /// What every start of an instance's unit needs first: its log, the app's.
    public static func prepareToStart(_ record: InstanceRecord, paths: NodePaths) throws {
        try AppFiles(paths: paths, account: try AppAccount(app: record.app).resolved()).prepareLog(record.name)
    }

    /// An empty `TEMP` for the instance, as every update gives it.
    public func freshTemporary(_ instance: String) throws {
        let path = paths.path(NodeLayout.temporaryDirectory(instance))
        if FileSystem.exists(path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.createDirectory(atPath: FileSystem.parent(of: path), withIntermediateDirectories: true)
        guard mkdir(path, mode_t(Self.temporaryMode)) == 0 else { throw AgentError.system("cannot make \(path)", errno) }
        try FileSystem.setOwnerAndMode(path, mode: Self.temporaryMode, uid: account.uid, gid: account.gid)
    }

    /// Gives the app its deployment configuration, every file in it readable by its user only.
    public func handOverConfiguration(_ directory: String) throws {
        try FileSystem.walk(paths.path(directory)) { path, status in
            try FileSystem.setOwner(
                path, status, uid: account.uid, gid: account.gid, mode: status.isDirectory ? Self.configDirectoryMode : Self.configFileMode)
        }
    }

    /// Moves everything `app` has on this node to its account and these modes, and says what
    /// it changed. Cheap when nothing needs to change: a tree is walked only when its top is
    /// not yet the app's, and its top is set last, so an interrupted walk is done again.
    public func migrate(app: String) throws -> [String] {
        var changes: [String] = []
        func note(_ changed: Bool, _ line: String) { if changed { changes.append(line) } }
        let instances = NodeInventory(paths: paths, manageSystem: false).instances(of: app).names
        for instance in instances {
            note(try instanceDirectory(instance), "gave \(NodeLayout.instanceDirectory(instance)) to \(app)'s group")
            note(try file(registry.environmentPath(instance), mode: Self.environmentMode), "gave \(instance)'s environment to \(app)'s user")
            note(try file(paths.path(NodeLayout.logFile(instance)), mode: Self.logMode), "gave \(instance)'s log to \(app)'s user")
            note(try tree(paths.path(NodeLayout.temporaryDirectory(instance)), topMode: Self.temporaryMode), "gave \(instance)'s TEMP to \(app)'s user")
        }
        note(try tree(paths.path(NodeLayout.files + "/" + app), topMode: Self.filesMode), "gave \(NodeLayout.files)/\(app) to \(app)'s user")
        note(try tree(paths.path(NodeLayout.writableRoots + "/" + app), topMode: Self.writableRootMode),
            "gave \(NodeLayout.writableRoots)/\(app) to \(app)'s user")
        for directory in [DeploymentConfiguration.uploadedDirectory(app: app), DeploymentConfiguration.previousDirectory(app: app)] {
            let full = paths.path(directory)
            guard let status = FileSystem.status(full), status.uid != account.uid || status.mode != Self.configDirectoryMode else { continue }
            try handOverConfiguration(directory)
            changes.append("gave \(directory) to \(app)'s user")
        }
        return changes
    }

    /// root:group, group-readable, nothing for others: walked when its top is not so yet.
    func instanceDirectory(_ instance: String) throws -> Bool {
        let top = registry.instanceDirectory(instance)
        guard let status = FileSystem.status(top), status.isDirectory,
            status.uid != 0 || status.gid != account.gid || status.mode != Self.instanceDirectoryMode
        else { return false }
        try FileSystem.walk(top) { path, status in
            try FileSystem.setOwner(path, status, uid: 0, gid: account.gid, mode: Self.instanceMode(status))
        }
        return true
    }

    /// One file, the app's with `mode`.
    func file(_ path: String, mode: Int) throws -> Bool {
        guard let status = FileSystem.status(path), !status.isSymbolicLink,
            status.uid != account.uid || status.gid != account.gid || status.mode != mode
        else { return false }
        try FileSystem.setOwner(path, status, uid: account.uid, gid: account.gid, mode: mode)
        return true
    }

    /// A directory the app writes: everything in it the app's, modes kept but the top's.
    func tree(_ top: String, topMode: Int) throws -> Bool {
        guard let status = FileSystem.status(top), status.isDirectory,
            status.uid != account.uid || status.gid != account.gid || status.mode != topMode
        else { return false }
        try FileSystem.walk(top) { path, status in
            try FileSystem.setOwner(path, status, uid: account.uid, gid: account.gid, mode: path == top ? topMode : status.mode)
        }
        return true
    }
}
