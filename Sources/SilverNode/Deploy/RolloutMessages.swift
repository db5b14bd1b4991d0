/// Requests and answers of the verbs that open and close a rollout on a node, each one agent
/// call per node: `prelude` (is this agent current, which instances does the node have, take
/// the deploy lock) and `finish` (clean old instances, log the deploy, let the lock go).

/// Which build of the agent silver means to run: the size and modification time of its file,
/// which rsync's `--times` keeps on the node. silver names it in every call
/// (`SILVER_AGENT_BUILD`); a node whose agent is another build refuses with `outdatedStatus`
/// before doing anything, and silver uploads its agent and asks again. So checking costs no
/// round trip of its own.
public struct AgentBuild: Codable, Sendable, Equatable, CustomStringConvertible {
    public var size: Int
    public var modified: Int

    public init(size: Int, modified: Int) {
        self.size = size
        self.modified = modified
    }

    public static let environmentName = "SILVER_AGENT_BUILD"
    /// The agent's exit status when it is not the build silver named, with `refusal` as the
    /// first line of its standard error.
    public static let outdatedStatus: Int32 = 3
    public static let refusal = "silver-node: not the build silver named"

    public var description: String { "\(size):\(modified)" }

    public init?(_ text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let size = Int(parts[0]), let modified = Int(parts[1]) else { return nil }
        self.init(size: size, modified: modified)
    }
}

public struct PreludeRequest: Codable, Sendable {
    /// The app whose instances are listed, if any.
    public var app: String?
    /// Taken on the node that keeps the nodeset's deploy lock.
    public var lock: LockHolder?

    public init(app: String?, lock: LockHolder?) {
        self.app = app
        self.lock = lock
    }
}

public struct PreludeAnswer: Codable, Sendable, Equatable {
    public var instances: InstanceList?
    public var lock: LockAnswer?
    /// Where an instance's files are uploaded: the agent's own layout, not silver's to guess.
    public var uploads: UploadDirectories
    /// Whether the app has a deployment configuration from an earlier `update --config`.
    public var hasConfig: Bool

    public init(instances: InstanceList?, lock: LockAnswer?, uploads: UploadDirectories, hasConfig: Bool = false) {
        self.instances = instances
        self.lock = lock
        self.uploads = uploads
        self.hasConfig = hasConfig
    }
}

/// The directories rsync writes an instance into, named by the agent that owns them.
public struct UploadDirectories: Codable, Sendable, Equatable {
    /// An instance's files go to `INSTANCES/NAME/`.
    public var instances: String
    /// An app's `--config` directory goes to `CONFIGS/APP.incoming/`, and becomes the app's
    /// when the new instance is installed.
    public var configs: String

    public init(instances: String, configs: String) {
        self.instances = instances
        self.configs = configs
    }

    public func instance(_ name: String) -> String { instances + "/" + name + "/" }
    public func config(app: String) -> String { configs + "/" + app + DeploymentConfiguration.incomingSuffix + "/" }
}

public struct FinishRequest: Codable, Sendable {
    /// Removes this app's old instances beyond the newest `keep`, when the deploy succeeded.
    public var clean: CleanRequest?
    public var log: DeployLogEntry
    /// Lets the deploy lock go, if this holder has it.
    public var release: LockHolder?

    public init(clean: CleanRequest?, log: DeployLogEntry, release: LockHolder?) {
        self.clean = clean
        self.log = log
        self.release = release
    }
}

public struct FinishAnswer: Codable, Sendable, Equatable {
    /// Instances being removed; they are stopped and deleted after the agent has answered.
    public var removing: [String]
    public var lock: LockAnswer?

    public init(removing: [String], lock: LockAnswer?) {
        self.removing = removing
        self.lock = lock
    }
}

/// Names an app whose active instance a verb works on (`environment`, `logs`, `exec --app`).
public struct AppRequest: Codable, Sendable {
    public var app: String

    public init(app: String) {
        self.app = app
    }
}

#if canImport(Glibc)
    import Glibc
#endif

extension AgentBuild {
    /// The build of the agent in the file at `path`, or nil when there is none.
    public static func of(_ path: String) -> AgentBuild? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return AgentBuild(size: Int(info.st_size), modified: Int(info.st_mtim.tv_sec))
    }

    /// The agent that is running now.
    public static var running: AgentBuild? { of("/proc/self/exe") }
}
