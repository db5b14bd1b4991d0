import Foundation

/// Commands that act on an app's active instance on its app servers: `run`, `logs`, `clean`,
/// `diff` and `show-env`.
public struct AppServerCommands: Sendable {
    public var session: NodesetSession
    public var app: String

    public init(session: NodesetSession, app: String) {
        self.session = session
        self.app = app
    }

    func appServers() async throws -> (Topology, [NodeRecord], NodeAgent) {
        let topology = try await session.topology()
        let nodes = topology.nodes(in: .appserver)
        guard !nodes.isEmpty else { throw DeployError.noAppServers(nodeset: session.nodeset.name) }
        return (topology, nodes, NodeAgent(ssh: session.ssh, binary: try AgentBinary.locate()))
    }

    func activeInstance(on node: NodeRecord, agent: NodeAgent) async throws -> String {
        try await agent.install(on: node.reach)
        let list = try await agent.call("instances", [app], request: Empty(), on: node.reach, as: InstanceList.self)
        guard let active = list.active else { throw DeployError.notDeployed(app: app, nodeset: session.nodeset.name) }
        return active
    }

    /// `silver run`: a one-off command in the app's environment on the first app server.
    /// Its output streams back; its exit status is returned.
    public func run(_ command: [String], output: @escaping @Sendable (CommandStream, String) -> Void) async throws -> Int32 {
        let (_, nodes, agent) = try await appServers()
        let instance = try await activeInstance(on: nodes[0], agent: agent)
        let remote = Command(AgentBinary.remotePath, ["exec", instance, "--"] + command, step: "run")
        return try await session.ssh.run(remote, on: nodes[0].reach, onLine: output).status
    }

    /// `silver logs`: the active instance's log from every app server, each line prefixed with
    /// its node. With `follow`, keeps printing until interrupted.
    public func logs(lines: Int, follow: Bool) async throws {
        let (_, nodes, agent) = try await appServers()
        let console = session.console
        try await forEachOrThrow(nodes, parallel: nodes.count, name: \.name) { node in
            let instance = try await activeInstance(on: node, agent: agent)
            let tail = Command(
                "tail", ["-n", String(lines)] + (follow ? ["-F"] : []) + [InstanceInstaller.logFile(instance)], step: "read the log")
            try await session.ssh.check(tail, on: node.reach) { _, line in console.say(line, node: node.name) }
        }
    }

    /// `silver clean`: removes old instances, keeping the `keep` newest of each app.
    public func clean(keep: Int, allApps: Bool) async throws -> [String: [String]] {
        let (_, nodes, agent) = try await appServers()
        let appName = allApps ? nil : app
        let removed = try await forEachOrThrow(nodes, parallel: session.parallel, name: \.name) { node in
            try await agent.install(on: node.reach)
            let answer = try await agent.call("clean", request: CleanRequest(app: appName, keep: keep), on: node.reach, as: CleanAnswer.self)
            return (node.name, answer.removed)
        }
        return Dictionary(removed, uniquingKeysWith: { first, _ in first })
    }

    /// `silver diff`: what differs between a local app directory and the active instance on
    /// the first app server, by content, as rsync would upload it.
    public func diff(appDirectory: String) async throws -> [String] {
        let (_, nodes, agent) = try await appServers()
        let instance = try await activeInstance(on: nodes[0], agent: agent)
        let source = appDirectory.hasSuffix("/") ? appDirectory : appDirectory + "/"
        let command = Rsync.command(
            sources: [source], destination: "\(nodes[0].address):/var/www/\(instance)/", ssh: session.ssh,
            extra: ["--dry-run", "--checksum", "--delete", "-rl", "--itemize-changes"] + InstanceUpload.excluded.map { "--exclude=\($0)" },
            step: "compare with \(instance)")
        let result = try await session.ssh.runner.check(command)
        return result.text.split(separator: "\n").compactMap { line -> String? in
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            let (code, path) = (parts[0], String(parts[1]))
            if code.hasPrefix("*deleting") { return "- \(path)" }
            if path.hasSuffix("/") { return nil }
            if code.count > 2, code.dropFirst(2).first == "+" { return "+ \(path)" }
            return code.hasPrefix(">f") || code.hasPrefix("<f") ? "M \(path)" : nil
        }
    }

    /// The active instance's environment on the first app server.
    public func environment() async throws -> [EnvironmentVariable] {
        let (_, nodes, agent) = try await appServers()
        let instance = try await activeInstance(on: nodes[0], agent: agent)
        let path = InstanceRegistry(paths: NodePaths()).environmentPath(instance)
        let result = try await session.ssh.check(Command("cat", [path], step: "read the environment"), on: nodes[0].reach)
        return try JSONDecoder().decode([EnvironmentVariable].self, from: Data(result.output))
    }
}
