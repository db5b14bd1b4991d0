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
        let directories = ((try? FileManager.default.contentsOfDirectory(atPath: paths.path("/var/www"))) ?? [])
            .filter { $0.hasPrefix(prefix) }
        let recorded = registry.all().filter { $0.app == app }.map(\.name)
        return InstanceList(
            names: (directories + recorded).uniqued().sorted(), active: registry.activeName(of: app), lastIssued: registry.lastIssued(of: app))
    }

    public func query(_ request: QueryRequest) async throws -> NodeQuery {
        let records = registry.all().filter { request.app == nil || $0.app == request.app }
        var apps: [NodeQuery.App] = []
        for app in records.map(\.app).uniqued() {
            var instances: [NodeQuery.Instance] = []
            for record in records where record.app == app {
                let running = try await runner.run(Command("systemctl", ["is-active", "--quiet", InstanceInstaller.unit(record.name)])).succeeded
                var health: Int?
                if running && request.checkHealth, case .success(let response) = InstanceProbe.get(
                    record, path: record.healthCheck, host: "localhost", timeoutSeconds: 5)
                {
                    health = response.status
                }
                instances.append(.init(name: record.name, port: record.port, created: record.created, running: running, health: health))
            }
            apps.append(.init(app: app, active: registry.activeName(of: app), instances: instances))
        }
        return NodeQuery(apps: apps)
    }

    public func clean(_ request: CleanRequest) async throws -> CleanAnswer {
        var removed: [String] = []
        let records = registry.all().filter { request.app == nil || $0.app == request.app }
        for app in records.map(\.app).uniqued() {
            let active = registry.activeName(of: app)
            let older = records.filter { $0.app == app && $0.name != active && !request.spare.contains($0.name) }
                .sorted { ($0.created, $0.name) > ($1.created, $1.name) }
            for record in older.dropFirst(max(0, request.keep)) {
                try await remove(record.name)
                removed.append(record.name)
            }
        }
        return CleanAnswer(removed: removed)
    }

    /// Stops an instance and deletes its files, record, environment, temp dir and log.
    public func remove(_ name: String) async throws {
        if let app = registry.record(name)?.app, registry.activeName(of: app) == name {
            throw AgentError.failed("\(name) is the active instance of \(app); activate another one first")
        }
        if manageSystem {
            _ = try await runner.run(Command("systemctl", ["stop", InstanceInstaller.unit(name)]))
            _ = try await runner.run(Command("systemctl", ["reset-failed", InstanceInstaller.unit(name)]))
        }
        for path in [
            registry.instanceDirectory(name), paths.path(InstanceInstaller.temporaryDirectory(name)), registry.recordPath(name),
            registry.environmentPath(name), paths.path(InstanceInstaller.logFile(name)),
        ] where FileSystem.exists(path) {
            try FileManager.default.removeItem(atPath: path)
        }
    }

    /// An `update_fetch` request, sent to the instance itself and marked as silver's own.
    public func fetch(_ request: FetchRequest) throws -> LocalHTTP.Response {
        guard let record = registry.record(request.instance) else { throw AgentError.failed("no instance \(request.instance) on this node") }
        return try InstanceProbe.get(
            record, path: request.path, host: request.host,
            headers: [RouterConfiguration.updateHeader: "1"], timeoutSeconds: 300
        ).get()
    }

    public func log(_ entry: DeployLogEntry) throws {
        let path = paths.path("/var/log/silverlining/deploys.log")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let line = [UInt8](try encoder.encode(entry)) + [UInt8(ascii: "\n")]
        let existing = FileSystem.read(path) ?? []
        try FileSystem.writeAtomically(path, bytes: existing + line, mode: 0o640, uid: 0, gid: 0)
    }
}
