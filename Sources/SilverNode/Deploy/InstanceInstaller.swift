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
    public static let appUser = "www-data"

    var registry: InstanceRegistry { InstanceRegistry(paths: paths) }

    public func install(_ request: InstallRequest) async throws -> InstallAnswer {
        var record = request.record
        guard FileSystem.exists(registry.instanceDirectory(record.name)) else {
            throw AgentError.failed("instance \(record.name) was not uploaded to \(registry.instanceDirectory(record.name))")
        }
        let applier = PlanApplier(paths: paths, runner: runner, progress: progress)
        _ = try await applier.apply(NodePlan(packages: request.packages))

        let uid = try FileSystem.uid(Self.appUser)
        let gid = try FileSystem.gid(Self.appUser)
        // TEMP starts empty on every update.
        let temporary = Self.temporaryDirectory(record.name)
        try? FileManager.default.removeItem(atPath: paths.path(temporary))
        try FileManager.default.createDirectory(atPath: paths.path(temporary), withIntermediateDirectories: true)
        try FileSystem.setOwnerAndMode(paths.path(temporary), mode: 0o700, uid: uid, gid: gid)

        let existing = registry.record(record.name)
        record.port = existing?.port ?? freePort()
        try FileManager.default.createDirectory(atPath: registry.recordsDirectory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let environment = request.environment + [EnvironmentVariable(name: "PORT", value: String(record.port))]
        // The environment holds service passwords: readable by root and the app user only.
        try FileSystem.writeAtomically(
            registry.environmentPath(record.name), bytes: [UInt8](try encoder.encode(environment)), mode: 0o640, uid: 0, gid: gid)
        try FileSystem.writeAtomically(registry.recordPath(record.name), bytes: [UInt8](try encoder.encode(record)), mode: 0o644, uid: 0, gid: 0)
        if (registry.lastIssued(of: record.app) ?? "") < record.name {
            try FileSystem.writeAtomically(registry.lastIssuedPath(record.app), bytes: Array(record.name.utf8), mode: 0o644, uid: 0, gid: 0)
        }

        let unit = Self.unit(record.name)
        _ = try await runner.run(Command("systemctl", ["reset-failed", unit]))
        try await runner.check(Command("systemctl", ["start", unit], step: "start \(record.name)"))
        progress("started \(record.name) on port \(record.port); waiting for its health check \(record.healthCheck)")
        try await HealthCheck(runner: runner, paths: paths).wait(
            for: record, host: request.host, deadline: .seconds(request.startTimeoutSeconds))
        return InstallAnswer(port: record.port)
    }

    public static func unit(_ instance: String) -> String { "silver-app@\(instance).service" }
    public static func temporaryDirectory(_ instance: String) -> String { "/var/tmp/silverlining/\(instance)" }
    public static func logFile(_ instance: String) -> String { "/var/log/silverlining/apps/\(instance).log" }

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

    public func wait(for record: InstanceRecord, host: String, deadline: Duration) async throws {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: deadline)
        var last = "no answer"
        while clock.now < end {
            switch check(record, host: host) {
            case .success(let response) where (200..<400).contains(response.status):
                return
            case .success(let response):
                last = "HTTP \(response.status): \(response.body.prefix(300).trimmed)"
            case .failure(let error):
                last = error.description
            }
            if try await runner.run(Command("systemctl", ["is-failed", "--quiet", InstanceInstaller.unit(record.name)])).succeeded {
                last = "the process exited"
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let log = FileSystem.read(paths.path(InstanceInstaller.logFile(record.name)))
            .map { String(decoding: $0, as: UTF8.self).split(separator: "\n").suffix(15).joined(separator: "\n") } ?? ""
        throw AgentError.failed(
            "\(record.name) failed its health check \(record.healthCheck) (\(last))" + (log.isEmpty ? "" : "; its log ends:\n\(log)"))
    }
}
