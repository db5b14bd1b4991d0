import FoundationEssentials

/// Makes a node match a `NodePlan`, changing only what differs, and says what it changed.
/// With `dryRun` it only says what it would change.
public struct PlanApplier: Sendable {
    public var paths: NodePaths
    public var runner: CommandRunner
    public var dryRun: Bool
    /// Whether to run packages, services and follow-ups; off when applying under a scratch
    /// root in tests, where only files can be checked.
    public var manageSystem: Bool
    /// Told before slow steps (package installs), so a user sees why a node takes time.
    public var progress: @Sendable (String) -> Void

    public init(
        paths: NodePaths = NodePaths(), runner: CommandRunner = CommandRunner(), dryRun: Bool = false, manageSystem: Bool = true,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.paths = paths
        self.runner = runner
        self.dryRun = dryRun
        self.manageSystem = manageSystem
        self.progress = progress
    }

    static let aptEnvironment = ["DEBIAN_FRONTEND": "noninteractive", "LC_ALL": "C"]

    public func apply(_ plan: NodePlan) async throws -> ApplyReport {
        var changes: [String] = []
        if manageSystem {
            changes += try await installPackages(plan.packages)
        }
        let accounts = AppServerAccounts(paths: paths, runner: runner, progress: progress)
        if manageSystem, let apps = plan.appAccounts {
            changes += try await accounts.prepare(apps, dryRun: dryRun)
        }
        for directory in plan.directories {
            if let change = try ensure(directory) { changes.append(change) }
        }
        var files = plan.files
        if let router = plan.router {
            files.append(try RouterConfiguration(paths: paths, settings: router).plannedFile())
        }
        var written: [(file: PlannedFile?, absence: PlannedAbsence?, previous: [UInt8]?)] = []
        for file in files {
            let full = paths.path(file.path)
            let previous = FileSystem.read(full)
            let contentChanged = previous != Array(file.content.utf8)
            let ids = try owner(file.owner, file.group)
            let attributesChanged = ids.flatMap { ids in
                FileSystem.status(full).map { $0.mode != file.mode || $0.uid != ids.uid || $0.gid != ids.gid }
            } ?? true
            guard contentChanged || attributesChanged else { continue }
            changes.append(contentChanged ? "wrote \(file.path)" : "set owner and mode of \(file.path)")
            guard !dryRun, let ids else { continue }
            let (uid, gid) = ids
            if contentChanged {
                try FileSystem.writeAtomically(full, bytes: Array(file.content.utf8), mode: file.mode, uid: uid, gid: gid)
                written.append((file, nil, previous))
            } else {
                try FileSystem.setOwnerAndMode(full, mode: file.mode, uid: uid, gid: gid)
            }
        }
        for absence in plan.absentFiles where FileSystem.exists(paths.path(absence.path)) {
            changes.append("removed \(absence.path)")
            if dryRun { continue }
            let previous = FileSystem.read(paths.path(absence.path))
            try FileSystem.remove(paths.path(absence.path))
            written.append((nil, absence, previous))
        }
        if let block = plan.hostsBlock, let change = try apply(block) { changes.append(change) }
        guard !dryRun else {
            if manageSystem { changes += try await ensureRunning(plan.services) }
            if manageSystem, plan.appAccounts != nil { changes += try await accounts.finish(dryRun: true) }
            return ApplyReport(changes: changes)
        }

        if manageSystem {
            let checks = written.compactMap { $0.file?.check }.uniqued()
            for check in checks {
                let result = try await runner.run(Command(check[0], Array(check.dropFirst()), step: "check"))
                if !result.succeeded {
                    try restore(written)
                    throw AgentError.checkFailed(command: check, output: result.errorText + result.text)
                }
            }
            let followUps = written.flatMap { $0.file?.then ?? $0.absence?.then ?? [] }.uniqued()
            for followUp in followUps {
                try await perform(followUp)
                changes.append(followUp.description)
            }
            changes += try await ensureRunning(plan.services)
            // Last: the hand-over starts instances under the template this plan wrote.
            if plan.appAccounts != nil { changes += try await accounts.finish(dryRun: false) }
        }
        return ApplyReport(changes: changes)
    }

    private func installPackages(_ packages: [String]) async throws -> [String] {
        guard !packages.isEmpty else { return [] }
        let status = try await runner.run(Command("dpkg-query", ["-W", "-f", "${Package} ${db:Status-Status}\n"] + packages))
        let installed = Set(status.text.split(separator: "\n").compactMap { line -> String? in
            let words = line.split(separator: " ")
            return words.count == 2 && words[1] == "installed" ? String(words[0]) : nil
        })
        let missing = packages.filter { !installed.contains($0) }
        guard !missing.isEmpty else { return [] }
        if dryRun { return ["installed \(missing.joined(separator: " "))"] }
        progress("installing \(missing.joined(separator: " "))")
        // apt-get update exits 0 even when every download failed; --error-on=any makes it say so.
        try await runner.check(Command("apt-get", ["update", "-q", "--error-on=any"], step: "apt-get update"), environment: Self.aptEnvironment)
        try await runner.check(
            Command("apt-get", ["install", "-y", "-q", "--no-install-recommends"] + missing, step: "install \(missing.joined(separator: " "))"),
            environment: Self.aptEnvironment)
        return ["installed \(missing.joined(separator: " "))"]
    }

    /// The ids of an owner and group; in a dry run nil when they do not exist yet (the plan's
    /// app accounts would make them first).
    private func owner(_ user: String, _ group: String) throws -> (uid: UInt32, gid: UInt32)? {
        do {
            return (try FileSystem.uid(user), try FileSystem.gid(group))
        } catch where dryRun {
            return nil
        }
    }

    private func ensure(_ directory: PlannedDirectory) throws -> String? {
        let full = paths.path(directory.path)
        let ids = try owner(directory.owner, directory.group)
        let wanted = ids.map { FileSystem.Status(mode: directory.mode, uid: $0.uid, gid: $0.gid, isDirectory: true) }
        guard wanted == nil || FileSystem.status(full) != wanted else { return nil }
        if !dryRun, let ids {
            try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
            try FileSystem.setOwnerAndMode(full, mode: directory.mode, uid: ids.uid, gid: ids.gid)
        }
        return "made \(directory.path)"
    }

    private func apply(_ block: HostsBlock) throws -> String? {
        let path = paths.etcHosts
        let current = FileSystem.read(path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let updated = block.applied(to: current)
        guard updated != current else { return nil }
        if !dryRun {
            let status = FileSystem.status(path)
            try FileSystem.writeAtomically(
                path, bytes: Array(updated.utf8), mode: status?.mode ?? 0o644, uid: status?.uid ?? 0, gid: status?.gid ?? 0)
        }
        return "updated the nodeset's block in /etc/hosts"
    }

    private func restore(_ written: [(file: PlannedFile?, absence: PlannedAbsence?, previous: [UInt8]?)]) throws {
        for entry in written.reversed() {
            let path = paths.path(entry.file?.path ?? entry.absence!.path)
            if let previous = entry.previous {
                let status = FileSystem.status(path)
                try FileSystem.writeAtomically(path, bytes: previous, mode: status?.mode ?? 0o644, uid: status?.uid ?? 0, gid: status?.gid ?? 0)
            } else {
                try FileSystem.remove(path)
            }
        }
    }

    private func perform(_ followUp: FollowUp) async throws {
        switch followUp {
        case .reload(let unit):
            try await runner.check(Command("systemctl", ["reload-or-restart", unit], step: "reload \(unit)"))
        case .restart(let unit):
            try await runner.check(Command("systemctl", ["restart", unit], step: "restart \(unit)"))
        case .run(let words):
            try await runner.check(Command(words[0], Array(words.dropFirst()), step: words.joined(separator: " ")))
        }
    }

    private func ensureRunning(_ units: [String]) async throws -> [String] {
        var changes: [String] = []
        for unit in units {
            let enabled = try await runner.run(Command("systemctl", ["is-enabled", "--quiet", unit])).succeeded
            let active = try await runner.run(Command("systemctl", ["is-active", "--quiet", unit])).succeeded
            guard !(enabled && active) else { continue }
            if !dryRun { try await start(unit) }
            changes.append("enabled and started \(unit)")
        }
        return changes
    }

    /// A unit's first start can fail for a moment on a busy host (nftables loading its
    /// ruleset into the kernel was seen to), so it gets one more try; a failure that stays
    /// is reported with the unit's own log, which says why where `systemctl` does not.
    private func start(_ unit: String) async throws {
        let command = Command("systemctl", ["enable", "--now", "--quiet", unit], step: "start \(unit)")
        if try await runner.run(command).succeeded { return }
        try await Task.sleep(for: .seconds(2))
        let retried = try await runner.run(command)
        guard !retried.succeeded else { return }
        let log = try? await runner.run(Command("journalctl", ["--unit", unit, "--lines", "15", "--no-pager", "--output", "cat"]))
        throw CommandError.failed(
            command: command, status: retried.status,
            errorOutput: [retried.errorText, log?.text ?? ""].filter { !$0.isEmpty }.joined(separator: "\n"))
    }
}
