import Crypto
import Foundation

/// How silver reaches nodes: the OpenSSH client, one ControlMaster connection per node kept
/// open between commands, keys from the nodeset's directory, and host keys checked strictly
/// against the ones pinned when the node was created.
public struct SSH: Sendable {
    public var privateKey: String
    public var knownHosts: String
    public var user: String
    /// Holds the ControlMaster sockets. Paths to them must stay under 108 bytes, so the
    /// directory is short and each socket is named by OpenSSH's own hash (`%C`).
    public var controlDirectory: String
    public var connectTimeout: Int
    public var runner: CommandRunner

    public init(
        privateKey: String, knownHosts: String, user: String = "root",
        controlDirectory: String = SSH.defaultControlDirectory(), connectTimeout: Int = 10,
        runner: CommandRunner = CommandRunner()
    ) {
        self.privateKey = privateKey
        self.knownHosts = knownHosts
        self.user = user
        self.controlDirectory = controlDirectory
        self.connectTimeout = connectTimeout
        self.runner = runner
    }

    public static func defaultControlDirectory() -> String {
        getuid() == 0 ? "/run/silverlining/ssh" : NSTemporaryDirectory() + "silver-ssh-\(getuid())"
    }

    /// The socket of a node's ControlMaster connection. OpenSSH's `%C` names it by address,
    /// port and user only; the prefix, from the nodeset's known_hosts and key, keeps one
    /// nodeset from riding another's connection to the same address past its own pins.
    public var controlPath: String {
        let owner = SHA256.hash(data: Data((knownHosts + "\n" + privateKey).utf8)).prefix(4)
        return "\(controlDirectory)/\(owner.map { String(format: "%02x", $0) }.joined())-%C"
    }

    /// Options shared by ssh and by rsync's `-e`.
    public var options: [String] {
        [
            "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=yes",
            "-o", "UserKnownHostsFile=\(knownHosts)",
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "CheckHostIP=no",
            "-o", "IdentitiesOnly=yes",
            "-o", "ControlMaster=auto",
            "-o", "ControlPath=\(controlPath)",
            "-o", "ControlPersist=120",
            "-o", "ConnectTimeout=\(connectTimeout)",
            // A node that vanishes mid-command is noticed within seconds, not at TCP's pace.
            "-o", "ServerAliveInterval=2",
            "-o", "ServerAliveCountMax=3",
            "-o", "LogLevel=ERROR",
            "-i", privateKey,
            "-l", user,
        ]
    }

    /// The local `ssh` command that runs `remote` on `address`.
    public func command(_ remote: Command, address: String) -> Command {
        Command("ssh", options + [address, "--", remote.shellLine], input: remote.input, step: remote.step)
    }

    /// The value for rsync's `-e`, so uploads travel over the node's ControlMaster connection.
    public var rsyncShell: String {
        (["ssh"] + options).map(Command.shellQuote).joined(separator: " ")
    }

    /// Runs `remote` on the node. A non-zero exit of the remote program is returned; SSH's own
    /// failures (unreachable, host key changed, key refused) are thrown as `RemoteError`.
    public func run(
        _ remote: Command, on node: NodeAddress, onLine: (@Sendable (CommandStream, String) -> Void)? = nil
    ) async throws -> CommandResult {
        try FileManager.default.createDirectory(
            atPath: controlDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var result = try await runner.run(command(remote, address: node.address), onLine: onLine)
        if result.status == 255, Self.sessionNeverStarted(result.errorText) {
            try await Task.sleep(for: .milliseconds(500))
            result = try await runner.run(command(remote, address: node.address), onLine: onLine)
        }
        if result.status == 255, let failure = RemoteError(sshStderr: result.errorText, node: node) {
            throw failure
        }
        return result
    }

    /// The shared connection failed before the remote command was sent (its ControlMaster was
    /// starting or going away: `mux_client_request_session: read from master failed`), so one
    /// more try cannot run anything twice. Any other failure is reported as it is.
    static func sessionNeverStarted(_ stderr: String) -> Bool {
        stderr.contains("mux_client_") || stderr.contains("master hello exchange failed")
    }

    /// Runs `remote` on the node and throws `RemoteError.failed` unless it exits 0.
    @discardableResult
    public func check(
        _ remote: Command, on node: NodeAddress, onLine: (@Sendable (CommandStream, String) -> Void)? = nil
    ) async throws -> CommandResult {
        let result = try await run(remote, on: node, onLine: onLine)
        guard result.succeeded else {
            throw RemoteError.failed(node: node.name, step: remote.step, status: result.status, errorOutput: result.errorText)
        }
        return result
    }

    /// Closes the node's ControlMaster connection, if one is open.
    public func disconnect(_ node: NodeAddress) async {
        _ = try? await runner.run(Command("ssh", options + ["-O", "exit", node.address], step: "close connection"))
    }
}

/// Enough to reach a node: its name (for messages) and its address.
public struct NodeAddress: Hashable, Sendable {
    public var name: String
    public var address: String

    public init(name: String, address: String) {
        self.name = name
        self.address = address
    }
}

extension NodeRecord {
    public var reach: NodeAddress { NodeAddress(name: name, address: address) }
}
