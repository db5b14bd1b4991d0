import Foundation

/// Talks to `silver-node` on a node: runs its verbs with a JSON request on standard input and
/// decodes the JSON answer. Every call names the agent build silver means; a node without it,
/// or with another build, refuses before acting, gets this build by rsync, and is asked
/// again. So a node whose agent is current costs one round trip per call, with no check of
/// its own.
public struct NodeAgent: Sendable {
    public var ssh: SSH
    public var binary: String

    public init(ssh: SSH, binary: String) {
        self.ssh = ssh
        self.binary = binary
    }

    /// Uploads the agent unless the node already has this build of it.
    public func install(on node: NodeAddress) async throws {
        try await Rsync.run(
            sources: [binary], to: node, path: AgentBinary.remotePath, ssh: ssh, extra: ["--mkpath", "--chmod=F755", "--times"],
            step: "install silver-node")
    }

    /// `silver-node VERB ARGUMENTS` as it runs on a node, naming this build of the agent.
    public func command(_ verb: String, _ arguments: [String] = [], input: [UInt8] = [], step: String? = nil) throws -> Command {
        let build = try AgentBinary.build(of: binary)
        return Command(
            "env", ["\(AgentBuild.environmentName)=\(build)", AgentBinary.remotePath, verb] + arguments, input: input,
            step: step ?? "silver-node \(verb)")
    }

    /// Runs an agent command on the node, installing the agent first if the node refuses for
    /// lack of it. Output lines go to `onLine` as they come, without the refusal's.
    public func run(
        _ command: Command, on node: NodeAddress, onLine: (@Sendable (CommandStream, String) -> Void)? = nil
    ) async throws -> CommandResult {
        var filtered: (@Sendable (CommandStream, String) -> Void)?
        if let onLine {
            filtered = { @Sendable (stream: CommandStream, line: String) in
                if stream == .output || !Self.isRefusal(line) { onLine(stream, line) }
            }
        }
        let result = try await ssh.run(command, on: node, onLine: filtered)
        guard Self.lacksThisBuild(result) else { return result }
        try await install(on: node)
        return try await ssh.run(command, on: node, onLine: filtered)
    }

    /// The node has no agent, or refused as another build.
    static func lacksThisBuild(_ result: CommandResult) -> Bool {
        let text = result.errorText
        return (result.status == AgentBuild.outdatedStatus && text.split(separator: "\n").contains { isRefusal(String($0)) })
            || (result.status == 127 && text.contains(AgentBinary.remotePath))
    }

    static func isRefusal(_ line: String) -> Bool { line.hasPrefix(AgentBuild.refusal) }

    /// Runs `silver-node VERB ARGUMENTS` with `request` as JSON and decodes its answer.
    /// Progress the agent reports goes to `console`, prefixed with the node's name.
    public func call<Request: Encodable, Answer: Decodable>(
        _ verb: String, _ arguments: [String] = [], request: Request, on node: NodeAddress, as answer: Answer.Type,
        console: Console = .silent
    ) async throws -> Answer {
        let command = try command(verb, arguments, input: [UInt8](try JSONEncoder().encode(request)))
        let result = try await run(command, on: node) { stream, line in
            if stream == .error, line.hasPrefix(AgentIO.progressPrefix) {
                console.say(String(line.dropFirst(AgentIO.progressPrefix.count)) + " ...", node: node.name)
            }
        }
        guard result.succeeded else {
            let message = result.errorText.split(separator: "\n").filter { !$0.hasPrefix(AgentIO.progressPrefix) }
            throw RemoteError.failed(node: node.name, step: command.step, status: result.status, errorOutput: message.joined(separator: "\n"))
        }
        do {
            return try JSONDecoder().decode(Answer.self, from: Data(result.output))
        } catch {
            throw RemoteError.failed(
                node: node.name, step: command.step, status: 0, errorOutput: "unreadable answer: \(result.text.prefix(500))")
        }
    }

    /// Like `call`, for verbs that answer nothing.
    public func run<Request: Encodable>(
        _ verb: String, _ arguments: [String] = [], request: Request, on node: NodeAddress, console: Console = .silent
    ) async throws {
        _ = try await call(verb, arguments, request: request, on: node, as: Empty.self, console: console)
    }
}

/// rsync over the node's SSH connection: the one place its command is built and its failures
/// are read.
public enum Rsync {
    public static func command(sources: [String], destination: String, ssh: SSH, extra: [String] = [], step: String) -> Command {
        Command("rsync", ["-e", ssh.rsyncShell] + extra + sources + [destination], step: step)
    }

    /// Copies local `sources` to `path` on the node. SSH's own failures (exit 255) are thrown
    /// as what they are (unreachable, host key changed, ...); rsync's as `RemoteError.failed`.
    @discardableResult
    public static func run(
        sources: [String], to node: NodeAddress, path: String, ssh: SSH, extra: [String], step: String
    ) async throws -> CommandResult {
        try await run(command(sources: sources, destination: "\(node.address):\(path)", ssh: ssh, extra: extra, step: step), node: node, ssh: ssh)
    }

    /// Copies the node's `path` to `local` on this machine.
    @discardableResult
    public static func run(
        from node: NodeAddress, path: String, to local: String, ssh: SSH, extra: [String], step: String
    ) async throws -> CommandResult {
        try await run(command(sources: ["\(node.address):\(path)"], destination: local, ssh: ssh, extra: extra, step: step), node: node, ssh: ssh)
    }

    static func run(_ command: Command, node: NodeAddress, ssh: SSH) async throws -> CommandResult {
        let result = try await ssh.runner.run(command)
        guard result.succeeded else {
            if result.status == 255, let failure = RemoteError(sshStderr: result.errorText, node: node) { throw failure }
            throw RemoteError.failed(node: node.name, step: command.step, status: result.status, errorOutput: result.errorText)
        }
        return result
    }
}
