import FoundationEssentials

/// Watch an instance that has just taken traffic, for a while.
public struct SoakRequest: Codable, Sendable {
    public var instance: String
    /// The Host header of its health checks.
    public var host: String
    public var seconds: Int

    public init(instance: String, host: String, seconds: Int) {
        self.instance = instance
        self.host = host
        self.seconds = seconds
    }
}

/// The canary's watch: a release that answers its health check once and then crashes, or
/// stops answering, is caught here before more app servers switch to it. Its process is
/// watched through /proc (a restart gives it another process) and systemd's restart count;
/// its health check is asked four times a second, and two failures in a row fail it.
public struct InstanceSoak: Sendable {
    public var paths: NodePaths
    public var runner: CommandRunner

    public init(paths: NodePaths = NodePaths(), runner: CommandRunner = CommandRunner()) {
        self.paths = paths
        self.runner = runner
    }

    public func watch(_ request: SoakRequest) async throws {
        guard let record = InstanceRegistry(paths: paths).record(request.instance) else {
            throw AgentError.failed("no instance \(request.instance) on this node")
        }
        let unit = UnitWatch(unit: NodeLayout.unit(record.name), runner: runner)
        let health = HealthCheck(runner: runner, paths: paths)
        let before = try await unit.status()
        var failure: String? = before.hasExited || before.mainPID == 0 ? "is not running" : nil
        var failedChecks = 0
        await poll(every: .milliseconds(250), deadline: .seconds(request.seconds)) {
            guard failure == nil else { return true }
            guard ProcessTable.isAlive(before.mainPID) else {
                failure = "exited"
                return true
            }
            switch health.check(record, host: request.host) {
            case .success(let response) where (200..<400).contains(response.status):
                failedChecks = 0
            case .success(let response):
                failedChecks += 1
                failure = failedChecks >= 2 ? "failed its health check \(record.healthCheck) (HTTP \(response.status))" : nil
            case .failure(let error):
                failedChecks += 1
                failure = failedChecks >= 2 ? "failed its health check \(record.healthCheck) (\(error))" : nil
            }
            return failure != nil
        }
        if failure == nil {
            // A crash and restart between two looks leaves a new process and a higher count.
            let after = try await unit.status()
            if after.mainPID != before.mainPID || after.restarts != before.restarts || after.hasExited { failure = "was restarted" }
        }
        guard let failure else { return }
        throw AgentError.failed(
            "\(record.name) \(failure) within \(request.seconds) s of taking requests" + (health.logTail(record).map { "; its log ends:\n\($0)" } ?? ""))
    }
}
