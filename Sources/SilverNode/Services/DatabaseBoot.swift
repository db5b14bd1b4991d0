import FoundationEssentials

/// What a node of a database service with replicas does each time its server starts (a
/// systemd drop-in runs `silver-node database-boot FILE`), so that a primary that was cut off
/// and replaced by a failover fences itself when it comes back: the server starts read-only
/// on every node (MariaDB's `read_only`, PostgreSQL's `standby.signal`), and only a node
/// silver made primary, once no other node answers as a writable primary, is made writable.
/// silver writes the file (`DatabaseBootPlan`); the engine's particulars are in it as data.
public struct DatabaseBoot: Sendable {
    public var paths: NodePaths
    public var runner: CommandRunner
    public var log: @Sendable (String) -> Void

    public init(paths: NodePaths = NodePaths(), runner: CommandRunner = CommandRunner(), log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.paths = paths
        self.runner = runner
        self.log = log
    }

    public enum Outcome: Equatable, Sendable {
        /// Not the primary: nothing to decide.
        case replica
        /// The primary, and no other node claims to be: made writable.
        case primary
        /// The primary as silver last recorded it here, but `peer` answers as one: stays read-only.
        case fenced(peer: String)
        /// The primary as silver last recorded it here, but without the replication password
        /// it cannot ask its peers: stays read-only, as a node that cannot know is safest.
        case unconfirmed
    }

    /// Reads the plan silver wrote at `path` and runs it.
    @discardableResult
    public func run(planAt path: String) async throws -> Outcome {
        guard let bytes = FileSystem.read(paths.path(path)) else { throw AgentError.failed("no \(path) on this node") }
        return try await run(try JSONDecoder().decode(DatabaseBootPlan.self, from: Data(bytes)))
    }

    /// Asks every peer whether it is the primary. One that cannot be asked yet (its server is
    /// still starting, or this node's network is not up this early in boot) is asked again
    /// each second until `plan.peerWaitSeconds`; after that, only the answers count, so that a
    /// whole service starting at once still gets its primary.
    @discardableResult
    public func run(_ plan: DatabaseBootPlan) async throws -> Outcome {
        guard plan.primary else { return .replica }
        guard !plan.peers.isEmpty else { return try await confirm(plan) }
        // Unreadable is as good as missing: the unit must run this as root (systemd's `+`).
        guard let password = try SecretStore(paths: paths).existing(named: plan.secret) else {
            try fence(plan)
            log("cannot read the secret \(plan.secret) to ask \(plan.service)'s other nodes: this node stays read-only until `silver setup-node`")
            return .unconfirmed
        }
        var unasked = plan.peers
        var found: DatabaseBootPlan.Peer?
        await poll(every: .seconds(1), deadline: .seconds(plan.peerWaitSeconds)) {
            for peer in unasked {
                guard let result = try? await runner.run(peer.check.command, environment: [plan.passwordVariable: password]),
                    result.succeeded, !result.text.trimmed.isEmpty
                else { continue }
                unasked.removeAll { $0 == peer }
                if result.text.trimmed == plan.primaryAnswer { found = peer }
            }
            return found != nil || unasked.isEmpty
        }
        guard let found else { return try await confirm(plan) }
        try fence(plan)
        log("\(found.node) answers as the primary of \(plan.service): this node stays read-only until `silver setup-node` makes it a replica")
        return .fenced(peer: found.node)
    }

    private func fence(_ plan: DatabaseBootPlan) throws {
        for file in plan.fenceFiles {
            try FileSystem.writeAtomically(
                paths.path(file.path), bytes: Array(file.content.utf8), mode: file.mode, uid: try FileSystem.uid(file.owner),
                gid: try FileSystem.gid(file.group))
        }
    }

    private func confirm(_ plan: DatabaseBootPlan) async throws -> Outcome {
        for step in plan.confirm { try await runner.check(step.command) }
        return .primary
    }
}

/// What `DatabaseBoot` does on one node, written by silver beside the service's configuration.
public struct DatabaseBootPlan: Codable, Sendable, Equatable {
    public struct Peer: Codable, Sendable, Equatable {
        public var node: String
        /// Prints `primaryAnswer` when the peer is a writable primary.
        public var check: NodeCommand

        public init(node: String, check: NodeCommand) {
            self.node = node
            self.check = check
        }
    }

    public var service: String
    /// Whether silver last made this node the primary.
    public var primary: Bool
    public var peers: [Peer]
    /// The replication account's password in the node's `SecretStore`, handed to each check
    /// in `passwordVariable` (never in its arguments).
    public var secret: String
    public var passwordVariable: String
    public var primaryAnswer: String
    /// How long peers that cannot be asked are tried again before they are taken as down.
    public var peerWaitSeconds: Int
    /// Written when a peer is the primary, before the server starts (PostgreSQL's standby.signal).
    public var fenceFiles: [PlannedFile]
    /// Run when no peer is: what makes the server writable (MariaDB's `SET GLOBAL read_only = OFF`).
    public var confirm: [NodeCommand]

    public init(
        service: String, primary: Bool, peers: [Peer], secret: String, passwordVariable: String, primaryAnswer: String,
        peerWaitSeconds: Int = 30, fenceFiles: [PlannedFile], confirm: [NodeCommand]
    ) {
        self.service = service
        self.primary = primary
        self.peers = peers
        self.secret = secret
        self.passwordVariable = passwordVariable
        self.primaryAnswer = primaryAnswer
        self.peerWaitSeconds = peerWaitSeconds
        self.fenceFiles = fenceFiles
        self.confirm = confirm
    }
}

/// A `Command` as data a node keeps in a file: the program, its arguments, its input.
public struct NodeCommand: Codable, Sendable, Hashable {
    public var words: [String]
    public var input: String

    public init(_ command: Command) {
        words = command.words
        input = String(decoding: command.input, as: UTF8.self)
    }

    public var command: Command { Command(words[0], Array(words.dropFirst()), input: input) }
}
