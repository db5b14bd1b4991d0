import Foundation

/// Talks to `silver-node` on a node: installs it (rsync sends it only when it changed), then
/// runs its verbs with a JSON request on standard input and decodes the JSON answer.
public struct NodeAgent: Sendable {
    public var ssh: SSH
    public var binary: String

    public init(ssh: SSH, binary: String) {
        self.ssh = ssh
        self.binary = binary
    }

    /// Uploads the agent unless the node already has this build of it.
    public func install(on node: NodeAddress) async throws {
        let upload = Rsync.command(
            sources: [binary], destination: "\(node.address):\(AgentBinary.remotePath)", ssh: ssh,
            extra: ["--mkpath", "--chmod=F755", "--times"], step: "install silver-node")
        let result = try await ssh.runner.run(upload)
        if !result.succeeded {
            if result.status == 255, let failure = RemoteError(sshStderr: result.errorText, node: node) { throw failure }
            throw RemoteError.failed(node: node.name, step: upload.step, status: result.status, errorOutput: result.errorText)
        }
    }

    /// Runs `silver-node VERB ARGUMENTS` with `request` as JSON and decodes its answer.
    /// Progress the agent reports goes to `console`, prefixed with the node's name.
    public func call<Request: Encodable, Answer: Decodable>(
        _ verb: String, _ arguments: [String] = [], request: Request, on node: NodeAddress, as answer: Answer.Type,
        console: Console = .silent
    ) async throws -> Answer {
        let input = try JSONEncoder().encode(request)
        let command = Command(AgentBinary.remotePath, [verb] + arguments, input: [UInt8](input), step: "silver-node \(verb)")
        let result = try await ssh.run(command, on: node) { stream, line in
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

/// rsync over the node's SSH connection.
public enum Rsync {
    public static func command(sources: [String], destination: String, ssh: SSH, extra: [String] = [], step: String) -> Command {
        Command("rsync", ["-e", ssh.rsyncShell] + extra + sources + [destination], step: step)
    }
}
