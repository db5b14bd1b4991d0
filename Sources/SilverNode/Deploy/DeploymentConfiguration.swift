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

    /// `SILVER_APP_CONFIG` for an instance: the uploaded configuration, else `config.default`
    /// inside the instance, else none.
    public func directory(app: String, instance: String, defaultDirectory: String?) -> String? {
        let uploaded = Self.uploadedDirectory(app: app)
        if FileSystem.status(paths.path(uploaded))?.isDirectory == true { return uploaded }
        return defaultDirectory.map { NodeLayout.instanceDirectory(instance) + "/" + $0 }
    }

    /// What runs an app's `config.checker` with the configuration directory, as the app's
    /// user in the new instance's directory and environment (through `silver-node exec`,
    /// which also puts silver's loader and the app's libraries on the path). It exits 1 and
    /// prints the checker's traceback when the checker raises.
    public static func checkCommand(instance: String, checker: String, directory: String) -> [String] {
        ["exec", instance, "--", "python3", "-m", "silverlining_runner", "check-config", checker, directory]
    }
}
