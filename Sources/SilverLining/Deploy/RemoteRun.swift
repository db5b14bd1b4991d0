import Foundation

/// `silver run`: a script of the app (or, after `--`, any command) on one app server, in the
/// active instance's directory and environment, as Silver Lining's `run` was: `SCRIPT` is
/// looked for in the app's `bin/` first; arguments naming local files or directories are
/// uploaded to a scratch directory in the instance's TEMP and replaced by their paths there
/// (the directory is removed afterwards); the exit status is the script's.
public struct RemoteRun: Sendable {
    /// Who the script runs as. Silver Lining's `www-mgr` deployed with root's powers; silver
    /// has no such user, so it means root.
    public enum User: String, Sendable, CaseIterable {
        case app = "www-data"
        case root
        case manager = "www-mgr"
    }

    public var session: NodesetSession
    public var app: String
    /// The script and its arguments, or with `command`, the command.
    public var words: [String]
    /// Words given after `--`: a command run as it is, with nothing looked up or uploaded.
    public var command = false
    /// An app server's name (or the first part of it); default: the first app server.
    public var node: String?
    public var user = User.app
    /// A terminal on the node (`ssh -t`), for shells and prompts.
    public var interactive = false

    public init(session: NodesetSession, app: String, words: [String]) {
        self.session = session
        self.app = app
        self.words = words
    }

    /// Runs it; output streams to `output` (to the terminal itself when interactive).
    public func run(output: @escaping @Sendable (CommandStream, String) -> Void) async throws -> Int32 {
        guard !words.isEmpty else { throw UsageError("give the script to run") }
        let target = try await appServer()
        let agent = NodeAgent(ssh: session.ssh, binary: try AgentBinary.locate())
        // Also makes sure the node has this build of the agent before a terminal is attached.
        let prelude = try await agent.call("prelude", request: PreludeRequest(app: app, lock: nil), on: target, as: PreludeAnswer.self)
        guard prelude.instances?.active != nil else { throw DeployError.notDeployed(app: app, nodeset: session.nodeset.name) }

        let rest = Array(words.dropFirst())
        let arguments = command ? RunArguments(rest, exists: { _ in false }) : RunArguments(rest)
        try arguments.checkNames()
        var scratch: String?
        if !arguments.uploads.isEmpty {
            let made = try await agent.run(try agent.command("scratch", ["--app", app], step: "make a directory for uploads"), on: target)
            guard made.succeeded else {
                throw RemoteError.failed(node: target.name, step: "make a directory for uploads", status: made.status, errorOutput: made.errorText)
            }
            scratch = made.text.trimmingCharacters(in: .whitespacesAndNewlines)
            session.console.detail("uploading \(arguments.uploads.joined(separator: " ")) to \(scratch!)", node: target.name)
            try await Rsync.run(
                sources: arguments.uploads.map { $0.count > 1 && $0.hasSuffix("/") ? String($0.dropLast()) : $0 }, to: target,
                path: scratch! + "/", ssh: session.ssh, extra: ["-rlt"], step: "upload the script's files")
        }
        let remoteWords = [words[0]] + (scratch.map { arguments.remote(in: $0) } ?? arguments.remote(in: ""))
        let options = ["--app", app] + (user == .app ? [] : ["--root"]) + (command ? [] : ["--script"]) + (scratch.map { ["--uploads", $0] } ?? [])
        let remote = try agent.command("run", options + ["--"] + remoteWords, step: "run \(words[0])")
        let status: Int32
        if interactive {
            status = try await session.ssh.runner.runAttached(session.ssh.attachedCommand(remote, address: target.address))
        } else {
            status = try await agent.run(remote, on: target, onLine: output).status
        }
        if let scratch {
            _ = try? await agent.run(try agent.command("scratch", ["--remove", scratch]), on: target)
        }
        return status
    }

    /// The app server `node` names, or the first.
    func appServer() async throws -> NodeAddress {
        let nodes = try await session.topology().nodes(in: .appserver)
        guard let first = nodes.first else { throw DeployError.noAppServers(nodeset: session.nodeset.name) }
        guard let node else { return first.reach }
        guard let chosen = nodes.first(where: { $0.name == node || $0.name.split(separator: ".").first.map(String.init) == node }) else {
            throw UsageError("\(node) is not an app server of \(session.nodeset.name)", hint: "its app servers: " + nodes.map(\.name).joined(separator: ", "))
        }
        return chosen.reach
    }
}
