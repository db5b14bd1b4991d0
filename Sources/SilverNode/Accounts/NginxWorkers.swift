/// nginx's worker processes, as the agent sees them through /proc: what a reload really
/// changes is known only once every worker from before it has begun to shut down, since
/// `systemctl reload` returns as soon as the master has been told.
struct NginxWorkers: Sendable {
    var runner: CommandRunner

    static let title = "nginx: worker process"

    /// Workers that serve new connections (not those finishing old ones).
    static func serving() -> Set<Int32> {
        Set(ProcessTable.find([title])).subtracting(ProcessTable.find(["\(title) is shutting down"]))
    }

    /// Runs `reload`, which says whether it reloaded nginx; if it did, waits until no worker
    /// started before it still serves, and until those have exited: after that every request
    /// is handled by the new configuration, with the web server's groups as they are now.
    func reloading(_ reload: () async throws -> Bool) async throws {
        let before = Self.serving()
        guard try await reload(), !before.isEmpty else { return }
        await poll(deadline: .seconds(15)) { Self.serving().isDisjoint(with: before) }
        await poll(deadline: .seconds(30)) { before.allSatisfy { !ProcessTable.isAlive($0) } }
    }

    /// Reloads nginx if it runs, so that its workers take up the groups the web server has
    /// joined.
    func reloadForGroups() async throws {
        try await reloading {
            guard try await runner.run(Command("systemctl", ["is-active", "--quiet", "nginx"])).succeeded else { return false }
            try await runner.check(Command("systemctl", ["reload", "nginx"], step: "reload nginx"))
            return true
        }
    }
}
