import FoundationEssentials

/// What the agent reports about and does to the instances on its node: listing them,
/// querying their health, removing old ones, fetching internal URLs, logging deploys.
public struct NodeInventory: Sendable {
    public var paths: NodePaths
    public var runner: CommandRunner
    /// Whether to stop instances' units with systemctl; off under a scratch root in tests,
    /// where only files can be checked and the machine's own systemd must be left alone.
    public var manageSystem: Bool

    public init(paths: NodePaths = NodePaths(), runner: CommandRunner = CommandRunner(), manageSystem: Bool = true) {
        self.paths = paths
        self.runner = runner
        self.manageSystem = manageSystem
    }

    var registry: InstanceRegistry { InstanceRegistry(paths: paths) }

    public func instances(of app: String) -> InstanceList {
        let prefix = app + "."
        let directories = ((try? FileManager.default.contentsOfDirectory(atPath: paths.path(NodeLayout.instances))) ?? [])
            .filter { $0.hasPrefix(prefix) }
        let recorded = registry.all().filter { $0.app == app }.map(\.name)
        return InstanceList(
            names: (directories + recorded).uniqued().sorted(), active: registry.activeName(of: app), lastIssued: registry.lastIssued(of: app))
    }

    /// The active instance of `app`, or an error saying the app is not deployed here.
    public func activeInstance(of app: String) throws -> String {
        guard let name = registry.activeName(of: app), registry.record(name) != nil else {
            throw AgentError.failed("\(app) is not deployed on this node; run `silver update` first")
        }
        return name
    }

    /// Starts an instance's unit if it is not running; routing is `activate`'s.
    public func start(_ name: String) async throws {
        guard let record = registry.record(name) else { throw AgentError.failed("no instance \(name) on this node") }
        try AppFiles.prepareToStart(record, paths: paths)
        try await runner.check(Command("systemctl", ["start", NodeLayout.unit(name)], step: "start \(name)"))
    }

    public func query(_ request: QueryRequest) async throws -> NodeQuery {
        let records = registry.all().filter { request.app == nil || $0.app == request.app }
        var apps: [NodeQuery.App] = []
        let choices = try RoutingChoicesFile(paths: paths).read()
        for app in records.map(\.app).uniqued() {
            var instances: [NodeQuery.Instance] = []
            for record in records where record.app == app {
                let running = try await runner.run(Command("systemctl", ["is-active", "--quiet", NodeLayout.unit(record.name)])).succeeded
                var health: Int?
                if running && request.checkHealth, case .success(let response) = InstanceProbe.get(
                    record, path: record.healthCheck, host: "localhost", timeoutSeconds: 5)
                {
                    health = response.status
                }
                instances.append(.init(name: record.name, port: record.port, created: record.created, running: running, health: health))
            }
            apps.append(.init(
                app: app, active: registry.activeName(of: app), instances: instances, previous: registry.previousName(of: app),
                disabled: choices.disabledApps.contains(app)))
        }
        return NodeQuery(apps: apps)
    }

    public func clean(_ request: CleanRequest) async throws -> CleanAnswer {
        let removed = removable(request)
        for name in removed { try await remove(name) }
        return CleanAnswer(removed: removed)
    }

    /// The instances `clean` removes: of each app, those older than the `keep` newest that
    /// are not active.
    public func removable(_ request: CleanRequest) -> [String] {
        let records = registry.all().filter { request.app == nil || $0.app == request.app }
        return records.map(\.app).uniqued().flatMap { app in
            let active = registry.activeName(of: app)
            return records.filter { $0.app == app && $0.name != active }
                .sorted { ($0.created, $0.name) > ($1.created, $1.name) }
                .dropFirst(max(0, request.keep)).map(\.name)
        }
    }

    /// Stops an instance and deletes its files, record, environment, temp dir and log.
    /// With `undoingDeploy` (a rollback removing an instance that never served), the
    /// deployment configuration its install put in place gives way to the one before it.
    public func remove(_ name: String, undoingDeploy: Bool = false) async throws {
        let app = registry.record(name)?.app
        if let app, registry.activeName(of: app) == name {
            throw AgentError.failed("\(name) is the active instance of \(app); activate another one first")
        }
        if let app { try await forgetPrevious(name, app: app) }
        if undoingDeploy, let app { try DeploymentConfiguration(paths: paths).giveBack(app: app, instance: name) }
        if manageSystem {
            _ = try await runner.run(Command("systemctl", ["stop", NodeLayout.unit(name)]))
            _ = try await runner.run(Command("systemctl", ["reset-failed", NodeLayout.unit(name)]))
        }
        for path in [
            registry.instanceDirectory(name), paths.path(NodeLayout.temporaryDirectory(name)), registry.recordPath(name),
            registry.environmentPath(name), paths.path(NodeLayout.logFile(name)),
        ] where FileSystem.exists(path) {
            try FileManager.default.removeItem(atPath: path)
        }
    }

    /// An `update_fetch` request, sent to the instance itself and marked as silver's own.
    public func fetch(_ request: FetchRequest) throws -> LocalHTTP.Response {
        guard let record = registry.record(request.instance) else { throw AgentError.failed("no instance \(request.instance) on this node") }
        return try InstanceProbe.get(
            record, path: request.path, host: request.host,
            headers: [RouterConfiguration.updateHeader: FetchRequest.marker(primary: request.primary)], timeoutSeconds: 300
        ).get()
    }

    public func log(_ entry: DeployLogEntry) throws {
        let path = paths.path(NodeLayout.deployLog)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let line = [UInt8](try encoder.encode(entry)) + [UInt8(ascii: "\n")]
        let existing = FileSystem.read(path) ?? []
        try FileSystem.writeAtomically(path, bytes: existing + line, mode: 0o640, uid: 0, gid: 0)
    }
}
