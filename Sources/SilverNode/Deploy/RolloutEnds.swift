/// The agent's side of the first and last call a rollout makes on each node, so that opening
/// and closing a deploy costs one round trip per node each.
public struct RolloutEnds: Sendable {
    public var paths: NodePaths
    public var runner: CommandRunner
    /// Whether old instances are removed by a transient systemd unit after answering; off
    /// under a scratch root in tests, where they are removed before answering instead.
    public var manageSystem: Bool

    public init(paths: NodePaths = NodePaths(), runner: CommandRunner = CommandRunner(), manageSystem: Bool = true) {
        self.paths = paths
        self.runner = runner
        self.manageSystem = manageSystem
    }

    /// Lists the app's instances and takes the deploy lock if asked.
    public func prelude(_ request: PreludeRequest) throws -> PreludeAnswer {
        let instances = request.app.map { NodeInventory(paths: paths, runner: runner, manageSystem: manageSystem).instances(of: $0) }
        let lock = try request.lock.map { try DeployLock(paths: paths).handle(LockRequest(action: .acquire, holder: $0)) }
        let hasConfig = request.app.map { app in
            FileSystem.status(paths.path(DeploymentConfiguration.uploadedDirectory(app: app)))?.isDirectory == true
        } ?? false
        return PreludeAnswer(
            instances: instances, lock: lock, uploads: UploadDirectories(instances: NodeLayout.instances, configs: NodeLayout.configs),
            hasConfig: hasConfig)
    }

    /// Logs the deploy, lets the lock go and names the old instances to remove. Stopping and
    /// deleting them is left to a transient unit that outlives this call: nothing the user
    /// waits for depends on it.
    public func finish(_ request: FinishRequest) async throws -> FinishAnswer {
        let inventory = NodeInventory(paths: paths, runner: runner, manageSystem: manageSystem)
        try inventory.log(request.log)
        let lock = try request.release.map { try DeployLock(paths: paths).handle(LockRequest(action: .release, holder: $0)) }
        let removing = request.clean.map { inventory.removable($0) } ?? []
        if !removing.isEmpty {
            if manageSystem {
                try await runner.check(Command(
                    "systemd-run", ["--no-block", "--collect", "--quiet", "--unit", "silver-clean-\(Timestamp.now())".replacing(".", with: "-"),
                        NodeLayout.agent, "remove"] + removing,
                    step: "remove old instances"))
            } else {
                for name in removing { try await inventory.remove(name) }
            }
        }
        return FinishAnswer(removing: removing, lock: lock)
    }
}
