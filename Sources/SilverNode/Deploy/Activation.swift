import FoundationEssentials

/// Switches which instance of an app nginx routes to, with no request lost: the new instance
/// must pass its health check first, nginx reloads gracefully, silver waits until nginx
/// really serves the new instance, and the old instance is stopped only once the requests
/// it was serving have finished.
public struct Activation: Sendable {
    public var paths: NodePaths
    public var runner: CommandRunner
    public var progress: @Sendable (String) -> Void

    public init(paths: NodePaths = NodePaths(), runner: CommandRunner = CommandRunner(), progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.paths = paths
        self.runner = runner
        self.progress = progress
    }

    var registry: InstanceRegistry { InstanceRegistry(paths: paths) }

    public func activate(_ request: ActivateRequest) async throws -> ActivateAnswer {
        let previous = registry.activeName(of: request.app)
        if let name = request.instance {
            guard let record = registry.record(name), record.app == request.app else {
                throw AgentError.failed("no instance \(name) of \(request.app) on this node")
            }
            let unit = NodeLayout.unit(name)
            if !(try await runner.run(Command("systemctl", ["is-active", "--quiet", unit])).succeeded) {
                try AppFiles.prepareToStart(record, paths: paths)
                try await runner.check(Command("systemctl", ["start", unit], step: "start \(name)"))
            }
            try await HealthCheck(runner: runner, paths: paths).wait(for: record, host: request.host, deadline: .seconds(60))
        }
        guard previous != request.instance else { return ActivateAnswer(previous: previous) }
        // The instance replaced keeps running, routed at prev.HOST (as Silver Lining kept the
        // previous instance's locations); the one that was there before it is let go.
        let retired = try await RouterLock.held(paths) { try await switchRoutes(request, from: previous) }
        if let name = request.instance, let record = registry.record(name) {
            try await waitUntilServed(app: request.app, instance: name, healthCheck: record.healthCheck)
        }
        if let retired, let old = registry.record(retired) {
            // nginx's old workers still hold the balancer's keep-alive connections and route
            // them by the old configuration, to the old instance, until they exit.
            await waitForOldWorkers(deadline: .seconds(30))
            await waitForIdle(port: old.port, deadline: .seconds(30))
            // Not waited for: gunicorn finishes its last requests on its own time.
            try await runner.check(Command("systemctl", ["stop", "--no-block", NodeLayout.unit(retired)], step: "stop \(retired)"))
        }
        return ActivateAnswer(previous: previous)
    }

    func setActive(_ instance: String?, app: String) throws {
        let pointer = registry.activeDirectory + "/" + app
        guard let instance else {
            try FileSystem.remove(pointer)
            return
        }
        try FileManager.default.createDirectory(atPath: registry.activeDirectory, withIntermediateDirectories: true)
        try FileSystem.writeAtomically(pointer, bytes: Array((instance + "\n").utf8), mode: 0o644, uid: 0, gid: 0)
    }

    public func routerSettings() throws -> RouterSettings {
        guard let bytes = FileSystem.read(paths.path(RouterConfiguration.settingsPath)) else {
            throw AgentError.failed("this node has no \(RouterConfiguration.settingsPath); run `silver setup-node` first")
        }
        return try JSONDecoder().decode(RouterSettings.self, from: Data(bytes))
    }

    /// Renders nginx's routes from the active instances and reloads it; a configuration nginx
    /// rejects is put back before it is ever loaded. Says whether anything changed.
    @discardableResult
    public func reloadRouter() async throws -> Bool {
        let file = try RouterConfiguration(paths: paths, settings: try routerSettings()).plannedFile()
        return !(try await PlanApplier(paths: paths, runner: runner).apply(NodePlan(files: [file])).changes.isEmpty)
    }

    /// `systemctl reload nginx` returns before the new workers serve; ask nginx which instance
    /// answers each of the app's locations until it is the new one. Asked at the app's health
    /// check path, which is there to be requested, rather than at a page whose visits the
    /// app may count or act on.
    func waitUntilServed(app: String, instance: String, healthCheck: String) async throws {
        let choices = try RoutingChoicesFile(paths: paths).read()
        // A deactivated location answers 404 whatever the app serves.
        for location in try routerSettings().locations where location.app == app && !choices.isDeactivated(location) {
            let path = Self.join(location.path, healthCheck)
            let served = await poll(deadline: .seconds(15)) {
                guard case .success(let response) = LocalHTTP.get(port: 80, path: path, host: location.hostname, timeoutSeconds: 5) else {
                    return false
                }
                return response.header(RouterConfiguration.instanceHeader) == instance
            }
            guard served else {
                throw AgentError.failed("nginx did not start serving \(instance) at \(location.hostname)\(location.path) within 15 s")
            }
        }
    }

    /// A path under a location: `/blog/` and `/health` make `/blog/health`.
    static func join(_ location: String, _ path: String) -> String {
        let base = location.hasSuffix("/") ? String(location.dropLast()) : location
        return base + (path.hasPrefix("/") ? path : "/" + path)
    }

    /// Waits until no nginx worker from before the last reload is left (their process title
    /// says "shutting down"), or the deadline passes.
    func waitForOldWorkers(deadline: Duration) async {
        await poll(deadline: deadline) { ProcessTable.find(["nginx: worker process is shutting down"]).isEmpty }
    }

    /// Waits until nothing is connected to the old instance's port (or the deadline passes).
    func waitForIdle(port: Int, deadline: Duration) async {
        await poll(deadline: deadline) { LocalPorts.establishedConnections(toLocalPort: port) == 0 }
    }
}
