import FoundationEssentials

/// Silver Lining's deployment configuration on an app server: `update --config DIR` keeps DIR
/// in `/var/lib/silverlining/configs/APP` until the next `--config`; an instance's
/// `SILVER_APP_CONFIG` points there, or at the app's `config.default` when none was ever
/// uploaded. The rollout's steps call these (upload, check, environment); the checks live
/// here so every node decides the same way.
public struct DeploymentConfiguration: Sendable {
    public var paths: NodePaths

    public init(paths: NodePaths = NodePaths()) {
        self.paths = paths
    }

    public static func uploadedDirectory(app: String) -> String { NodeLayout.configs + "/" + app }
    /// Where `update --config` uploads it; it becomes the app's when the instance that
    /// brought it is installed.
    public static func incomingDirectory(app: String) -> String { uploadedDirectory(app: app) + incomingSuffix }
    static let incomingSuffix = ".incoming"
    static func previousDirectory(app: String) -> String { uploadedDirectory(app: app) + ".previous" }
    /// Names the instance whose install put the configuration in place.
    static func adoptionRecord(app: String) -> String { NodeLayout.configs + "/." + app + ".installed-by" }

    /// Makes an uploaded configuration the app's (handed to its account, which alone reads
    /// it), keeping the one it replaces, so that a deploy that never switches can give it
    /// back (`giveBack`).
    public func adopt(app: String, instance: String, account: ResolvedAccount) throws {
        let incoming = paths.path(Self.incomingDirectory(app: app))
        guard FileSystem.status(incoming)?.isDirectory == true else { return }
        let current = paths.path(Self.uploadedDirectory(app: app))
        let previous = paths.path(Self.previousDirectory(app: app))
        if FileSystem.exists(previous) { try FileManager.default.removeItem(atPath: previous) }
        if FileSystem.exists(current) { try FileManager.default.moveItem(atPath: current, toPath: previous) }
        try FileManager.default.moveItem(atPath: incoming, toPath: current)
        try AppFiles(paths: paths, account: account).handOverConfiguration(Self.uploadedDirectory(app: app))
        try FileSystem.writeAtomically(paths.path(Self.adoptionRecord(app: app)), bytes: Array(instance.utf8), mode: 0o600, uid: 0, gid: 0)
    }

    /// Undoes `adopt` for an instance removed before it ever served: the configuration it
    /// brought goes, the one before it comes back.
    public func giveBack(app: String, instance: String) throws {
        let record = paths.path(Self.adoptionRecord(app: app))
        guard let owner = FileSystem.read(record).map({ String(decoding: $0, as: UTF8.self) }), owner == instance else { return }
        let current = paths.path(Self.uploadedDirectory(app: app))
        let previous = paths.path(Self.previousDirectory(app: app))
        if FileSystem.exists(current) { try FileManager.default.removeItem(atPath: current) }
        if FileSystem.exists(previous) { try FileManager.default.moveItem(atPath: previous, toPath: current) }
        try FileSystem.remove(record)
    }

    /// `SILVER_APP_CONFIG` for an instance: the uploaded configuration, else `config.default`
    /// inside the instance, else none.
    public func directory(app: String, instance: String, defaultDirectory: String?) -> String? {
        let uploaded = Self.uploadedDirectory(app: app)
        if FileSystem.status(paths.path(uploaded))?.isDirectory == true { return uploaded }
        return defaultDirectory.map { NodeLayout.instanceDirectory(instance) + "/" + $0 }
    }
}
