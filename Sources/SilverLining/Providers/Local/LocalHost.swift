import Foundation

/// The machine that runs silver, seen as the home of `local` nodes: where their files live
/// and whether it has what booting containers takes.
public struct LocalHost: Sendable {
    /// Holds the nodes' own directories: `$SILVER_LOCAL_ROOT`, default `/var/lib/silverlining`.
    public var root: String
    /// Holds what every nodeset on this machine shares: base images, the apt cache and the
    /// locks that guard them and the choice of subnets. `$SILVER_IMAGE_ROOT`, default
    /// `/var/lib/silverlining`, apart from `root` so that moving nodes elsewhere (another
    /// disk) neither rebuilds the image nor lets two runs choose subnets without one lock.
    public var sharedRoot: String
    /// Where the programs local nodes need are looked for.
    public var searchPath: String
    public var runner: CommandRunner

    public static let defaultRoot = "/var/lib/silverlining"

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, runner: CommandRunner = CommandRunner()) {
        func setting(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        root = setting("SILVER_LOCAL_ROOT") ?? LocalHost.defaultRoot
        sharedRoot = setting("SILVER_IMAGE_ROOT") ?? LocalHost.defaultRoot
        searchPath = LocalHost.searchPath(environment)
        self.runner = runner
    }

    public var imagesDirectory: String { sharedRoot + "/images" }
    public var aptCacheDirectory: String { sharedRoot + "/apt-cache" }
    public var locksDirectory: String { sharedRoot + "/locks" }

    public func nodesetDirectory(_ nodeset: String) -> String { root + "/nodes/" + nodeset }

    /// The programs local nodes need, each with the Debian package that provides it.
    static let requiredTools: [(program: String, package: String)] = [
        ("systemd-nspawn", "systemd-container"),
        ("debootstrap", "debootstrap"),
        ("apt-cacher-ng", "apt-cacher-ng"),
        ("ip", "iproute2"),
        ("ssh-keygen", "openssh-client"),
        ("ssh", "openssh-client"),
        ("rsync", "rsync"),
        ("setsid", "util-linux"),
    ]

    /// Fails with a message saying what to install or how to run, before any work starts.
    public func checkPrerequisites() throws {
        guard geteuid() == 0 else { throw LocalProviderError.notRoot }
        let missing = Self.requiredTools.filter { LocalHost.findProgram($0.program, searchPath: searchPath) == nil }
        if !missing.isEmpty {
            throw LocalProviderError.missingTools(
                programs: missing.map(\.program), packages: Array(Set(missing.map(\.package))).sorted())
        }
    }

    /// The program's path in `PATH` of `environment`, or in the sbin directories, which a
    /// non-login root shell may leave out of `PATH`.
    public static func findProgram(
        _ name: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        findProgram(name, searchPath: searchPath(environment))
    }

    static func findProgram(_ name: String, searchPath: String) -> String? {
        let directories = searchPath.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        return directories.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func searchPath(_ environment: [String: String]) -> String {
        environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin"
    }

    /// The inotify instances Linux allows each user, raised to at least this. Every booted
    /// node's systemd holds a dozen or more, and the default of 128 lets about seven nodes
    /// exist on the whole machine; the next ones stop at boot with "Failed to allocate
    /// manager object: Too many open files". Container hosts raise it the same way.
    public static let inotifyInstances = 8192

    /// Raises the limit if it is lower; returns a warning when it is low and cannot be raised
    /// (a read-only /proc/sys), since a few nodes still boot then.
    public func raiseInotifyInstances(file: String = "/proc/sys/fs/inotify/max_user_instances") -> String? {
        let text = (try? String(contentsOfFile: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let current = text.flatMap({ Int($0) }), current < LocalHost.inotifyInstances else { return nil }
        var raised = false
        if let handle = FileHandle(forWritingAtPath: file) {
            raised = (try? handle.write(contentsOf: Data("\(LocalHost.inotifyInstances)\n".utf8))) != nil
            try? handle.close()
        }
        return raised ? nil
            : "\(file) is \(current) and could not be raised to \(LocalHost.inotifyInstances): only about \(current / 16) local nodes can boot on this machine at once"
    }

    /// nspawn wants to clean up its propagation directory on exit and refuses to when /run is
    /// not a tmpfs (it is not on every machine); a tmpfs just for nspawn makes that work.
    public func ensureNspawnRuntimeDirectory() async throws {
        let directory = "/run/systemd/nspawn"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let mounts = (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? ""
        let mounted = mounts.split(separator: "\n").contains { $0.split(separator: " ").dropFirst().first == Substring(directory) }
        if !mounted {
            try await runner.check(Command("mount", ["-t", "tmpfs", "-o", "mode=0755", "silver-nspawn", directory], step: "mount a tmpfs for nspawn"))
        }
    }
}

public enum LocalProviderError: UserFacingError {
    case notRoot
    case missingTools(programs: [String], packages: [String])
    case noDebianMirror
    case noFreeSubnet
    case bootFailed(node: String, reason: String)
    case creationFailed(node: String, reason: String)
    case imageBuildFailed(reason: String)
    case missingNode(node: String, directory: String)

    public var exitStatus: Int32 { ExitStatus.failure }

    public var description: String {
        switch self {
        case .notRoot:
            "the local provider boots nodes as systemd-nspawn containers, which needs root: run silver as root (or with sudo)"
        case .missingTools(let programs, let packages):
            "the local provider needs \(programs.joined(separator: ", ")), which this machine lacks: run `apt-get install -y \(packages.joined(separator: " "))`"
        case .noDebianMirror:
            "found no Debian mirror in /etc/apt/sources.list or /etc/apt/sources.list.d/; local nodes fetch packages through it. Set SILVER_DEBIAN_MIRROR=http://deb.debian.org/debian (or your mirror)."
        case .noFreeSubnet:
            "found no free private /24 for the nodeset's bridge: every candidate overlaps a network of this machine"
        case .bootFailed(let node, let reason):
            "\(node) did not boot: \(reason)"
        case .creationFailed(let node, let reason):
            "could not create \(node): \(reason). Nothing was recorded for it; fix the cause and run create-node again."
        case .imageBuildFailed(let reason):
            "building the Debian base image for local nodes failed: \(reason)"
        case .missingNode(let node, let directory):
            "\(node) has no host keys in \(directory): its files were removed outside silver. Run `silver create-node` to make it again."
        }
    }
}
