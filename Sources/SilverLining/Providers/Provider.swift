import Foundation

/// Makes and removes nodes. One implementation per kind of place nodes live (`local`
/// containers on this machine, `static` servers that already exist, `ec2`), chosen by the
/// nodeset's `[provider]` section.
public protocol Provider: Sendable {
    /// Work shared by every node, done once before any node is made: for `local`, the base
    /// image, the bridge and the apt cache; for `ec2`, the key pair and security groups.
    func prepare(for nodes: [NodeSpec], context: ProviderContext) async throws

    /// Makes one node exist and run: created when `existing` is nil or gone, started when
    /// stopped, left alone when running. Returns what to record, host keys included. A cloud
    /// provider calls `context.recordLaunch` as soon as it has a server, before any wait.
    func ensure(_ spec: NodeSpec, existing: NodeRecord?, context: ProviderContext) async throws -> NodeRecord

    /// Waits until the node just ensured answers on SSH, and returns the host keys the
    /// provider can vouch for without asking the node (from its console), or none.
    func awaitSSH(_ record: NodeRecord, context: ProviderContext) async throws -> [String]

    func state(of record: NodeRecord, context: ProviderContext) async throws -> NodeState

    /// Removes the node for good, waiting until it is gone.
    func destroy(_ record: NodeRecord, context: ProviderContext) async throws

    /// After the nodeset's last node is destroyed: removes what `prepare` made for it.
    func release(context: ProviderContext) async throws

    /// The node's SSH host keys as they are now, for re-pinning them after the node was
    /// rebuilt on purpose (`create-node --rescan-host-keys`).
    func currentHostKeys(of record: NodeRecord, context: ProviderContext) async throws -> [String]
}

extension Provider {
    /// Providers whose `ensure` returns a node that already answers (local, static).
    public func awaitSSH(_ record: NodeRecord, context: ProviderContext) async throws -> [String] {
        record.hostKeys
    }

    /// Asks the node itself, trusting its answer as `ssh` does on first use.
    public func currentHostKeys(of record: NodeRecord, context: ProviderContext) async throws -> [String] {
        try await HostKeyScan.scan(record.reach, runner: context.runner)
    }
}

/// What a provider works with: the nodeset, its record, and the ways to reach nodes.
public struct ProviderContext: Sendable {
    public var nodeset: Nodeset
    public var store: NodesetStore
    public var ssh: SSH
    public var console: Console
    public var runner: CommandRunner

    public init(nodeset: Nodeset, store: NodesetStore, ssh: SSH, console: Console, runner: CommandRunner = CommandRunner()) {
        self.nodeset = nodeset
        self.store = store
        self.ssh = ssh
        self.console = console
        self.runner = runner
    }

    /// Records a cloud server the moment the cloud has accepted it, before any wait, so that
    /// whatever fails next (no SSH, an ERROR state, a timeout, Ctrl-C) leaves it in the record:
    /// list-nodes shows it, destroy-node removes it and create-node carries on with it.
    public func recordLaunch(_ record: NodeRecord) async throws {
        var record = record
        record.unfinished = true
        try await store.save(record)
    }

    /// The nodeset's SSH public key, one line, as it goes into authorized_keys.
    public func publicKey() throws -> String {
        try String(contentsOfFile: store.publicKeyPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

public enum ProviderError: UserFacingError {
    case unsupported(kind: String, supported: [String])

    public var exitStatus: Int32 { ExitStatus.badInput }

    public var description: String {
        switch self {
        case .unsupported(let kind, let supported):
            "provider \"\(kind)\" is not supported yet; supported providers: \(supported.joined(separator: ", "))"
        }
    }
}
