import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// This machine's processes, read from /proc: how silver finds and stops the processes it
/// started for local nodes without a service manager to ask, tells a dead deploy's lock
/// from a live one, and how the agent sees nginx's old workers leave.
public enum ProcessTable {
    static func text(_ path: String) -> String? {
        FileSystem.read(path).map { String(decoding: $0, as: UTF8.self) }
    }

    public static func commandLine(of pid: Int32) -> String? {
        guard let bytes = FileSystem.read("/proc/\(pid)/cmdline"), !bytes.isEmpty else { return nil }
        return String(decoding: bytes.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
    }

    /// Processes whose command line (or the title a process gave itself) contains every one
    /// of `fragments`.
    public static func find(_ fragments: [String]) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let line = commandLine(of: pid) else { return false }
            return fragments.allSatisfy { line.contains($0) }
        }.sorted()
    }

    /// Init processes of containers whose root is an overlay with this upper directory.
    public static func overlayRoots(upper: String) -> [Int32] {
        find(["systemd"]).filter { pid in
            guard let mounts = text("/proc/\(pid)/mountinfo"),
                let root = mounts.split(separator: "\n").first(where: { $0.split(separator: " ").dropFirst(4).first == "/" })
            else { return false }
            return root.contains("upperdir=\(upper),") && commandLine(of: pid).map { !$0.contains("nspawn") } ?? false
        }
    }

    public static func isAlive(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        // A zombie has exited; only its parent's wait is missing.
        return !(text("/proc/\(pid)/stat") ?? "").contains(") Z ")
    }

    /// SIGTERM, then another, then SIGKILL, waiting `grace` after each for the process to go.
    public static func terminate(_ pid: Int32, grace: Duration) async {
        for signal in [SIGTERM, SIGTERM, SIGKILL] {
            guard isAlive(pid) else { return }
            kill(pid, signal)
            if await waitForExit(pid, deadline: grace) { return }
        }
    }

    public static func waitForExit(_ pid: Int32, deadline: Duration) async -> Bool {
        await poll(deadline: deadline) { !isAlive(pid) }
    }

    /// SIGTERM, then waits for the process to finish its work and exit, however long that
    /// takes: whoever asked (systemd's ExecStop) bounds the wait with its own timeout.
    public static func stop(_ pid: Int32) async {
        guard pid > 0, kill(pid, SIGTERM) == 0 else { return }
        while !(await waitForExit(pid, deadline: .seconds(3600))) {}
    }
}
