import FoundationEssentials

/// The node side of a half-deploy: records an uploaded instance, starts it on a free port
/// and waits until it answers its health check, without routing anything to it.
public struct InstanceInstaller: Sendable {
    public var paths: NodePaths
    public var runner: CommandRunner
    public var progress: @Sendable (String) -> Void

    public init(paths: NodePaths = NodePaths(), runner: CommandRunner = CommandRunner(), progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.paths = paths
        self.runner = runner
        self.progress = progress
    }

    public static let ports = 20000...29999

    var registry: InstanceRegistry { InstanceRegistry(paths: paths) }

    public func install(_ request: InstallRequest) async throws {
        var record = request.record
        guard FileSystem.exists(registry.instanceDirectory(record.name)) else {
            throw AgentError.failed("instance \(record.name) was not uploaded to \(registry.instanceDirectory(record.name))")
        }
        let account = try AppAccount(app: record.app).resolved()
        let files = AppFiles(paths: paths, account: account)
        // rsync gave it the app's group (silently root's if the group was missing then).
        _ = try files.instanceDirectory(record.name)
        try DeploymentConfiguration(paths: paths).adopt(app: record.app, instance: record.name, account: account)
        let scripts = InstallScripts(paths: paths, runner: runner, progress: progress)
        try await scripts.run(request.packageInstallScripts, instance: record.name)
        _ = try await PlanApplier(paths: paths, runner: runner, progress: progress).apply(NodePlan(packages: request.packages))
        try await scripts.run(request.afterInstallScripts, instance: record.name)

        // TEMP starts empty on every update.
        try files.freshTemporary(record.name)

        let existing = registry.record(record.name)
        record.port = existing?.port ?? freePort()
        try FileManager.default.createDirectory(atPath: registry.recordsDirectory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let environment = EnvironmentVariable.merged(
            layoutVariables(record, configDefault: request.configDefault) + request.environment
                + [EnvironmentVariable(name: "PORT", value: String(record.port))])
        try files.writeEnvironment(environment, of: record.name)
        try FileSystem.writeAtomically(registry.recordPath(record.name), bytes: [UInt8](try encoder.encode(record)), mode: 0o644, uid: 0, gid: 0)
        if (registry.lastIssued(of: record.app) ?? "") < record.name {
            try FileSystem.writeAtomically(registry.lastIssuedPath(record.app), bytes: Array(record.name.utf8), mode: 0o644, uid: 0, gid: 0)
        }

        let unit = NodeLayout.unit(record.name)
        try files.prepareLog(record.name)
        _ = try await runner.run(Command("systemctl", ["reset-failed", unit]))
        try await runner.check(Command("systemctl", ["start", unit], step: "start \(record.name)"))
        progress("started \(record.name) on port \(record.port); waiting for its health check \(record.healthCheck)")
        try await HealthCheck(runner: runner, paths: paths).wait(
            for: record, host: request.host, deadline: .seconds(request.startTimeoutSeconds))
    }

    /// Where the instance finds its log, scratch space and deployment configuration on this
    /// node. They come first, so that an app's own `env.TEMP` line still wins.
    func layoutVariables(_ record: InstanceRecord, configDefault: String?) -> [EnvironmentVariable] {
        let config = DeploymentConfiguration(paths: paths).directory(app: record.app, instance: record.name, defaultDirectory: configDefault)
        return [
            EnvironmentVariable(name: "SILVER_LOGS", value: NodeLayout.logFile(record.name)),
            EnvironmentVariable(name: "TEMP", value: NodeLayout.temporaryDirectory(record.name)),
            EnvironmentVariable(name: "TMPDIR", value: NodeLayout.temporaryDirectory(record.name)),
        ] + (config.map { [EnvironmentVariable(name: "SILVER_APP_CONFIG", value: $0)] } ?? [])
    }

    /// The lowest port no recorded instance uses and nothing listens on.
    func freePort() -> Int {
        let taken = Set(registry.all().map(\.port))
        return Self.ports.first { !taken.contains($0) && LocalPorts.isFree($0) } ?? Self.ports.upperBound
    }
}

/// Waits for an instance to answer its health check path with a success or redirect.
public struct HealthCheck: Sendable {
    public var runner: CommandRunner
    public var paths: NodePaths

    public init(runner: CommandRunner, paths: NodePaths) {
        self.runner = runner
        self.paths = paths
    }

    public func check(_ record: InstanceRecord, host: String) -> Result<LocalHTTP.Response, AgentError> {
        InstanceProbe.get(record, path: record.healthCheck, host: host, timeoutSeconds: 10)
    }

    /// Polls the health check until it passes, the instance's process exits, or `deadline`.
    /// The process is watched through /proc; systemd is asked only when the process it last
    /// named is gone, so that waiting costs the starting app no CPU beyond the requests.
    public func wait(for record: InstanceRecord, host: String, deadline: Duration) async throws {
        let unit = UnitWatch(unit: NodeLayout.unit(record.name), runner: runner)
        var last = "no answer"
        var exited = false
        let healthy = await poll(every: .milliseconds(100), deadline: deadline) {
            switch check(record, host: host) {
            case .success(let response) where (200..<400).contains(response.status):
                return true
            case .success(let response):
                last = "HTTP \(response.status): \(response.body.prefix(300).trimmed)"
            case .failure(let error):
                last = error.description
            }
            exited = await unit.hasExited()
            return exited
        }
        guard !healthy || exited else { return }
        if exited { last = "the process exited" }
        throw AgentError.failed(
            "\(record.name) failed its health check \(record.healthCheck) (\(last))" + (logTail(record).map { "; its log ends:\n\($0)" } ?? ""))
    }

    /// The last lines the instance wrote, for failure messages.
    func logTail(_ record: InstanceRecord) -> String? {
        FileSystem.read(paths.path(NodeLayout.logFile(record.name)))
            .map { String(decoding: $0, as: UTF8.self).split(separator: "\n").suffix(15).joined(separator: "\n") }
            .flatMap { $0.isEmpty ? nil : $0 }
    }
}
