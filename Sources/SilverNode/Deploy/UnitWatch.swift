import Synchronization

/// Watches the process a systemd unit runs: whether it is still the one that started, or has
/// exited (failed, or waiting to be restarted). systemd is asked once for the main process,
/// then again only when that process is gone.
public final class UnitWatch: Sendable {
    public let unit: String
    let runner: CommandRunner
    private let mainProcess = Mutex<Int32?>(nil)

    public init(unit: String, runner: CommandRunner) {
        self.unit = unit
        self.runner = runner
    }

    /// What systemd says about the unit.
    public struct Status: Sendable, Equatable {
        public var activeState: String
        public var subState: String
        public var mainPID: Int32
        public var restarts: Int

        /// Its process ended: the unit failed, or waits to be started again.
        public var hasExited: Bool {
            ["failed", "inactive"].contains(activeState) || ["auto-restart", "failed", "dead"].contains(subState)
        }

        /// `systemctl show`'s `NAME=value` lines.
        public static func parse(_ text: String) -> Status {
            var values: [String: String] = [:]
            for line in text.split(separator: "\n") {
                guard let equals = line.firstIndex(of: "=") else { continue }
                values[String(line[..<equals])] = String(line[line.index(after: equals)...])
            }
            return Status(
                activeState: values["ActiveState"] ?? "unknown", subState: values["SubState"] ?? "unknown",
                mainPID: Int32(values["MainPID"] ?? "") ?? 0, restarts: Int(values["NRestarts"] ?? "") ?? 0)
        }
    }

    public func status() async throws -> Status {
        let result = try await runner.check(Command(
            "systemctl", ["show", "-p", "ActiveState", "-p", "SubState", "-p", "MainPID", "-p", "NRestarts", unit],
            step: "ask systemd about \(unit)"))
        return Status.parse(result.text)
    }

    /// Whether the unit's process has exited. Cheap while the process systemd last named
    /// lives: one look at /proc.
    public func hasExited() async -> Bool {
        if let pid = mainProcess.withLock({ $0 }), pid > 0, ProcessTable.isAlive(pid) { return false }
        guard let status = try? await status() else { return false }
        mainProcess.withLock { $0 = status.mainPID }
        return status.hasExited
    }
}
