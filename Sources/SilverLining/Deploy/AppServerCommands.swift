import Foundation

/// Commands that act on an app's active instance on its app servers: `logs`, `clean`, `diff`
/// and `show-env` (`run` is `RemoteRun`).
public struct AppServerCommands: Sendable {
    public var session: NodesetSession
    public var app: String

    public init(session: NodesetSession, app: String) {
        self.session = session
        self.app = app
    }

    func appServers() async throws -> ([NodeRecord], NodeAgent) {
        let topology = try await session.topology()
        let nodes = topology.nodes(in: .appserver)
        guard !nodes.isEmpty else { throw DeployError.noAppServers(nodeset: session.nodeset.name) }
        return (nodes, NodeAgent(ssh: session.ssh, binary: try AgentBinary.locate()))
    }

    /// The app's active instance on `node` and where the agent keeps instances.
    func activeInstance(on node: NodeRecord, agent: NodeAgent) async throws -> (String, UploadDirectories) {
        let answer = try await agent.call("prelude", request: PreludeRequest(app: app, lock: nil), on: node.reach, as: PreludeAnswer.self)
        guard let active = answer.instances?.active else { throw DeployError.notDeployed(app: app, nodeset: session.nodeset.name) }
        return (active, answer.uploads)
    }

    /// `silver logs`: the active instance's log from every app server, each line prefixed with
    /// its node. With `follow`, keeps printing until interrupted.
    public func logs(lines: Int, follow: Bool) async throws {
        let (nodes, agent) = try await appServers()
        let console = session.console
        let app = app
        try await forEachOrThrow(nodes, parallel: nodes.count, name: \.name) { node in
            let tail = try agent.command("logs", [app, "--lines", String(lines)] + (follow ? ["--follow"] : []), step: "read the log")
            let result = try await agent.run(tail, on: node.reach) { stream, line in
                if stream == .output { console.say(line, node: node.name) }
            }
            guard result.succeeded else {
                throw RemoteError.failed(node: node.name, step: tail.step, status: result.status, errorOutput: result.errorText)
            }
        }
    }

    /// `silver clean`: removes old instances, keeping the `keep` newest of each app.
    public func clean(keep: Int, allApps: Bool) async throws -> [String: [String]] {
        let (nodes, agent) = try await appServers()
        let appName = allApps ? nil : app
        let removed = try await forEachOrThrow(nodes, parallel: session.parallel, name: \.name) { node in
            let answer = try await agent.call("clean", request: CleanRequest(app: appName, keep: keep), on: node.reach, as: CleanAnswer.self)
            return (node.name, answer.removed)
        }
        return Dictionary(removed, uniquingKeysWith: { first, _ in first })
    }

    /// `silver diff`: what differs between a local app directory and the active instance on
    /// the first app server, by content, as rsync would upload it.
    public func diff(appDirectory: String) async throws -> [String] {
        let (nodes, agent) = try await appServers()
        let (instance, directories) = try await activeInstance(on: nodes[0], agent: agent)
        let source = appDirectory.hasSuffix("/") ? appDirectory : appDirectory + "/"
        let result = try await Rsync.run(
            sources: [source], to: nodes[0].reach, path: directories.instance(instance), ssh: session.ssh,
            extra: ["--dry-run", "--checksum", "--delete", "-rl", "--itemize-changes"] + InstanceUpload.excluded.map { "--exclude=\($0)" },
            step: "compare with \(instance)")
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
        let (nodes, agent) = try await appServers()
        do {
            return try await agent.call("environment", request: AppRequest(app: app), on: nodes[0].reach, as: [EnvironmentVariable].self)
        } catch let error as RemoteError where String(describing: error).contains("is not deployed on this node") {
            throw DeployError.notDeployed(app: app, nodeset: session.nodeset.name)
        }
    }
}
