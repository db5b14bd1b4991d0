import FoundationEssentials

/// Instances that nodes set up before every app had its own user still run under the former
/// template (`silver-app@`), as `www-data`. Each is handed to the current template, where
/// it runs as its app's user, without a request lost: the instance starts a second time,
/// under the new unit on a new port, and once healthy nginx is switched to it and the old
/// process is stopped when idle, as an activation switches between instances. Then the
/// former template goes.
struct FormerUnits: Sendable {
    var paths = NodePaths()
    var runner = CommandRunner()
    var progress: @Sendable (String) -> Void = { _ in }

    var registry: InstanceRegistry { InstanceRegistry(paths: paths) }

    /// The former units systemd knows, by instance, and whether each still runs.
    func listed() async throws -> [(instance: String, running: Bool)] {
        let result = try await runner.check(Command(
            "systemctl", ["list-units", "--all", "--plain", "--no-legend", NodeLayout.formerUnitPrefix + "*.service"],
            step: "list the instances of the former template"))
        return Self.parse(result.text)
    }

    /// `systemctl list-units --plain --no-legend` lines: unit, load, active, sub, description.
    static func parse(_ text: String) -> [(instance: String, running: Bool)] {
        text.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count >= 3, words[0].hasPrefix(NodeLayout.formerUnitPrefix), words[0].hasSuffix(".service") else { return nil }
            let instance = String(words[0].dropFirst(NodeLayout.formerUnitPrefix.count).dropLast(".service".count))
            return (instance, ["active", "activating", "reloading"].contains(words[2]))
        }
    }

    static func formerUnit(_ instance: String) -> String { NodeLayout.formerUnitPrefix + instance + ".service" }

    /// Hands every running former unit over, forgets the stopped ones, and removes the former
    /// template once none runs. Says what it did.
    func handOver() async throws -> [String] {
        var changes: [String] = []
        for (instance, running) in try await listed() {
            if running {
                try await handOver(instance)
                changes.append("moved \(instance) to its app's user")
            } else {
                _ = try await runner.run(Command("systemctl", ["reset-failed", Self.formerUnit(instance)]))
            }
        }
        let template = paths.path(NodeLayout.formerUnitPath)
        if FileSystem.exists(template), try await listed().allSatisfy({ !$0.running }) {
            try FileSystem.remove(template)
            try await runner.check(Command("systemctl", ["daemon-reload"], step: "forget the former instance template"))
            changes.append("removed \(NodeLayout.formerUnitPath)")
        }
        return changes
    }

    func handOver(_ instance: String) async throws {
        let former = Self.formerUnit(instance)
        guard let record = registry.record(instance) else {
            try await runner.check(Command("systemctl", ["stop", former], step: "stop \(former), which has no record"))
            return
        }
        let files = AppFiles(paths: paths, account: try AppAccount(app: record.app).resolved())
        guard registry.activeName(of: record.app) == instance else {
            // Not routed: nothing is lost by a plain restart under the new unit.
            try await runner.check(Command("systemctl", ["stop", former], step: "stop \(former)"))
            try files.prepareLog(instance)
            try await runner.check(Command("systemctl", ["start", NodeLayout.unit(instance)], step: "start \(instance)"))
            return
        }
        progress("moving \(instance) to \(AppAccount(app: record.app).user) without stopping it")
        var moved = record
        moved.port = InstanceInstaller(paths: paths, runner: runner).freePort()
        let variables = try InstanceProcess(paths: paths).variables(instance)
        try switchPort(record: moved, variables: variables, files: files)
        do {
            try files.prepareLog(instance)
            try await runner.check(Command("systemctl", ["start", NodeLayout.unit(instance)], step: "start \(instance) as its app's user"))
            let host = variables.last { $0.name == "SILVER_CANONICAL_HOSTNAME" }?.value ?? "localhost"
            try await HealthCheck(runner: runner, paths: paths).wait(for: moved, host: host, deadline: .seconds(60))
        } catch {
            // The former process never stopped serving: it keeps the instance, as it was.
            _ = try? await runner.run(Command("systemctl", ["stop", NodeLayout.unit(instance)]))
            try switchPort(record: record, variables: variables, files: files)
            throw AgentError.failed("\(instance) could not be moved to its app's user, and still runs as \(AppAccount.formerUser): \(error)")
        }
        let activation = Activation(paths: paths, runner: runner)
        if FileSystem.exists(paths.path(RouterConfiguration.settingsPath)) {
            try await NginxWorkers(runner: runner).reloading { try await activation.reloadRouter() }
        }
        await activation.waitForIdle(port: record.port, deadline: .seconds(30))
        try await runner.check(Command("systemctl", ["stop", former], step: "stop \(former)"))
        _ = try await runner.run(Command("systemctl", ["reset-failed", former]))
    }

    /// The instance's record and environment, both naming `record.port`.
    func switchPort(record: InstanceRecord, variables: [EnvironmentVariable], files: AppFiles) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let environment = EnvironmentVariable.merged(variables + [EnvironmentVariable(name: "PORT", value: String(record.port))])
        try files.writeEnvironment(environment, of: record.name)
        try FileSystem.writeAtomically(registry.recordPath(record.name), bytes: [UInt8](try encoder.encode(record)), mode: 0o644, uid: 0, gid: 0)
    }
}
