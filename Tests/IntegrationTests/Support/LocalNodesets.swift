import Foundation
import SilverLining
import Testing

/// What integration tests need from this machine: root and the tools local nodes use.
enum IntegrationEnvironment {
    static var available: Bool {
        geteuid() == 0 && LocalHost.findProgram("systemd-nspawn") != nil && LocalHost.findProgram("debootstrap") != nil
    }

    static let skipReason: Comment = "needs root, systemd-nspawn and debootstrap (scripts/test installs them)"
}

/// A throwaway nodeset of local nodes: its own SILVER_HOME, a unique name, and teardown that
/// runs whether the test passed or failed.
struct LocalNodesetFixture {
    let home: SilverHome
    let name: String

    init(_ label: String) {
        let unique = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        name = "t\(label)\(unique)"
        home = SilverHome(path: NSTemporaryDirectory() + "silver-it-" + name)
    }

    func nodeset(
        appservers: Int = 1, services: [String: Int] = [:], balancer: Bool = false, provider: ProviderSettings = ProviderSettings(),
        staticAddresses: [String: String] = [:], locations: [Location] = []
    ) -> Nodeset {
        let domain = "\(name).test"
        var nodes = (1...max(appservers, 1)).prefix(appservers).map {
            NodeSpec(name: "app\($0).\(domain)", role: .appserver, index: $0)
        }
        for (service, count) in services.sorted(by: { $0.key < $1.key }) {
            nodes += (1...count).map { NodeSpec(name: "\(service)\($0).\(domain)", role: .service(service), index: $0) }
        }
        if balancer { nodes.append(NodeSpec(name: "balancer.\(domain)", role: .balancer, index: 1)) }
        for index in nodes.indices { nodes[index].staticAddress = staticAddresses[nodes[index].name] }
        return Nodeset(
            name: name, file: "/nonexistent/\(name).conf", baseDomain: domain, provider: provider, locations: locations,
            loadBalancer: balancer, balancerHostnames: balancer ? ["www.\(domain)"] : [], nodes: nodes)
    }

    /// The same nodeset as `nodeset(...)`, written as a .conf file a user would write, for
    /// tests that run the `silver` command.
    func conf(appservers: Int, services: [String] = [], balancer: Bool, app: String = "hello") throws -> (path: String, nodeset: Nodeset) {
        let domain = "\(name).test"
        var text = """
            [general]
            name = \(name)
            base_domain = \(domain)
            set_etc_hosts = false

            [appserver]
            locations = http://www.\(domain)/ \(app)
            nodes = \(appservers)

            """
        for service in services { text += "[service:\(service)]\n" }
        if balancer { text += "[balancer]\nhostnames = www.\(domain)\n" }
        try FileManager.default.createDirectory(atPath: home.path, withIntermediateDirectories: true)
        let path = home.path + "/\(name).conf"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, try NodesetLoader.load(path: path))
    }

    func session(_ nodeset: Nodeset, provider: (any Provider)? = nil, console: Console = Console()) throws -> NodesetSession {
        try NodesetSession(nodeset: nodeset, provider: provider ?? LocalProvider(), home: home, console: console)
    }

    /// Runs `body`, then destroys every node the nodeset recorded, even when `body` threw.
    func run(_ nodeset: Nodeset, provider: (any Provider)? = nil, _ body: (NodesetSession) async throws -> Void) async throws {
        let session = try session(nodeset, provider: provider)
        var failure: (any Error)?
        do {
            try await body(session)
        } catch {
            failure = error
        }
        try await NodeDestruction(session: try self.session(nodeset, provider: provider)).run()
        try? FileManager.default.removeItem(atPath: home.path)
        if let failure { throw failure }
    }
}

extension NodesetSession {
    /// Runs a command on a node and returns its trimmed output, failing the test on a non-zero exit.
    func output(_ program: String, _ arguments: [String] = [], on node: String) async throws -> String {
        guard let record = await store.record(named: node) else { throw TestFailure("\(node) is not recorded") }
        return try await ssh.check(Command(program, arguments), on: record.reach).text
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// What a nodeset's local nodes leave on this machine: nspawn processes, bridges, veths,
/// apt-cacher-ng processes and node directories. Teardown must leave none.
struct LocalLeftovers: Equatable, CustomStringConvertible {
    var processes: [String]
    var links: [String]
    var directories: [String]
    var mounts: [String]

    static func of(nodeset: String, host: LocalHost = LocalHost()) -> LocalLeftovers {
        let nodesDirectory = host.nodesetDirectory(nodeset)
        let bridge = Bridge.name(forNodeset: nodeset)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        let processes = entries.compactMap(Int32.init).compactMap { pid -> String? in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
            let line = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            if line.contains(nodesDirectory + "/") { return "\(pid) \(line)" }
            // A node's own processes (its systemd above all) have its overlay as their root.
            let mounts = (try? String(contentsOfFile: "/proc/\(pid)/mountinfo", encoding: .utf8)) ?? ""
            let root = mounts.split(separator: "\n").first { $0.split(separator: " ").dropFirst(4).first == "/" } ?? ""
            return root.contains("upperdir=\(nodesDirectory)/") ? "\(pid) \(line) (inside a node)" : nil
        }
        let links = ((try? FileManager.default.contentsOfDirectory(atPath: "/sys/class/net")) ?? []).filter {
            $0 == bridge || (FileManager.default.fileExists(atPath: "/sys/class/net/\($0)/master")
                && ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/sys/class/net/\($0)/master")) ?? "").hasSuffix("/" + bridge))
        }
        let mounts = ((try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? "").split(separator: "\n")
            .map(String.init).filter { $0.contains(nodesDirectory) }
        let directories = FileManager.default.fileExists(atPath: nodesDirectory) ? [nodesDirectory] : []
        return LocalLeftovers(processes: processes, links: links, directories: directories, mounts: mounts)
    }

    /// The nspawn process of one node.
    static func pid(ofNode node: String, nodeset: String, host: LocalHost = LocalHost()) -> Int32? {
        of(nodeset: nodeset, host: host).processes.first { $0.contains("systemd-nspawn") && $0.contains("/\(node)/upper") }
            .flatMap { Int32($0.split(separator: " ")[0]) }
    }

    /// Cuts a node's power: its systemd dies at once, and nspawn with it. (Killing only
    /// nspawn would leave the node running, orphaned.)
    static func powerOff(node: String, nodeset: String, host: LocalHost = LocalHost()) throws {
        let nspawn = try #require(pid(ofNode: node, nodeset: nodeset, host: host))
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        let children = entries.compactMap(Int32.init).filter { child in
            let stat = (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8)) ?? ""
            // The parent's pid is the second field after the command's closing parenthesis.
            guard let close = stat.lastIndex(of: ")") else { return false }
            return stat[stat.index(after: close)...].split(separator: " ").dropFirst().first == Substring(String(nspawn))
        }
        let nodeInit = try #require(children.first, "nspawn \(nspawn) of \(node) has no child")
        kill(nodeInit, SIGKILL)
    }

    var isEmpty: Bool { processes.isEmpty && links.isEmpty && directories.isEmpty && mounts.isEmpty }

    var description: String {
        "processes: \(processes), links: \(links), directories: \(directories), mounts: \(mounts)"
    }
}
