import Foundation

/// An apt-cacher-ng serving one nodeset's nodes on its bridge address: the only way packages
/// reach nodes, which have no route out. The cache directory is shared by every nodeset on
/// this machine, so a package is downloaded once.
public struct AptCache: Sendable {
    public static let port = 3142

    public var host: LocalHost
    public var nodeset: String
    public var bridge: Bridge
    public var mirror: String

    public init(host: LocalHost, nodeset: String, bridge: Bridge, mirror: String) {
        self.host = host
        self.nodeset = nodeset
        self.bridge = bridge
        self.mirror = mirror
    }

    var runDirectory: String { host.nodesetDirectory(nodeset) + "/apt-cacher-ng" }
    var pidFile: String { runDirectory + "/pid" }

    /// The proxy URL nodes give apt.
    public var proxyURL: String { "http://\(bridge.subnet.gateway):\(AptCache.port)" }

    public func isRunning() -> Bool {
        guard let pid = readPID() else { return false }
        return ProcessTable.commandLine(of: pid)?.contains("apt-cacher-ng") == true
    }

    func readPID() -> Int32? {
        (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Starts the cache bound to the bridge address unless it already runs.
    public func ensureRunning() async throws {
        if isRunning() { return }
        let fm = FileManager.default
        let config = runDirectory + "/conf"
        try fm.createDirectory(atPath: config, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: host.aptCacheDirectory, withIntermediateDirectories: true)
        for file in (try? fm.contentsOfDirectory(atPath: "/etc/apt-cacher-ng")) ?? [] where !fm.fileExists(atPath: config + "/" + file) {
            try? fm.copyItem(atPath: "/etc/apt-cacher-ng/" + file, toPath: config + "/" + file)
        }
        // Without this, apt-cacher-ng rewrites Debian URLs to its own mirror list, whose hosts
        // need not resolve from this machine.
        try Data((mirror + "/\n").utf8).write(to: URL(fileURLWithPath: config + "/backends_debian"))
        try await host.runner.check(Command("apt-cacher-ng", [
            "-c", config,
            "ForeGround=0",
            "BindAddress=\(bridge.subnet.gateway)",
            "Port=\(AptCache.port)",
            "CacheDir=\(host.aptCacheDirectory)",
            "LogDir=\(runDirectory)",
            "PidFile=\(pidFile)",
            "SocketPath=\(runDirectory)/socket",
            "ExThreshold=30",
        ], step: "start apt-cacher-ng"))
        guard await TCPProbe.waitUntilOpen(address: bridge.subnet.gateway, port: AptCache.port, deadline: .seconds(10)) else {
            throw LocalProviderError.creationFailed(node: nodeset, reason: "apt-cacher-ng did not start listening on \(proxyURL)")
        }
    }

    public func stop() async {
        guard let pid = readPID(), ProcessTable.commandLine(of: pid)?.contains("apt-cacher-ng") == true else { return }
        await ProcessTable.terminate(pid, grace: .seconds(5))
        try? FileManager.default.removeItem(atPath: pidFile)
    }
}
