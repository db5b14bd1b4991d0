/// `silver create-node NODESET --rescan-host-keys`: after nodes were rebuilt on purpose, pins
/// the host keys they have now in place of those pinned at creation, and shows the
/// fingerprints of both so that the user can check the change against the nodes' consoles.
public struct HostKeyRescan: Sendable {
    public let session: NodesetSession

    public init(session: NodesetSession) {
        self.session = session
    }

    public struct Change: Sendable {
        public var node: String
        public var old: [String]
        public var new: [String]
        public var changed: Bool { old != new }
    }

    /// Re-pins the named nodes (all recorded ones when `names` is empty) and proves the new
    /// pins with a fresh connection to each.
    @discardableResult
    public func run(names: [String] = []) async throws -> [Change] {
        let records = try await session.existingRecords(named: names)
        let context = session.providerContext
        let provider = session.provider
        let store = session.store
        let ssh = session.ssh
        let console = session.console
        let runner = session.runner
        return try await forEachOrThrow(records, parallel: session.parallel, name: \.name) { record in
            let keys = try await provider.currentHostKeys(of: record, context: context)
            // An open connection was checked against the old keys; the next one must check the new.
            await ssh.disconnect(record.reach)
            let change = Change(node: record.name, old: record.hostKeys, new: keys)
            if change.changed {
                var updated = record
                updated.hostKeys = keys
                try await store.save(updated)
                let old = try await HostKeyRescan.fingerprints(record.hostKeys, runner: runner)
                let new = try await HostKeyRescan.fingerprints(keys, runner: runner)
                console.say(
                    (["host keys re-pinned; were:"] + old.map { "  " + $0 } + ["now:"] + new.map { "  " + $0 }).joined(separator: "\n"),
                    node: record.name)
            } else {
                console.say("host keys unchanged", node: record.name)
            }
            try await ssh.check(Command("true", step: "connect with the pinned host keys"), on: record.reach)
            // Reached with keys pinned: whatever create-node left unfinished about it is done.
            if var reached = await store.record(named: record.name), reached.isUnfinished {
                reached.unfinished = nil
                try await store.save(reached)
            }
            return change
        }
    }

    /// `ssh-keygen -l` lines (`256 SHA256:... (ED25519)`) for `TYPE BASE64` keys.
    static func fingerprints(_ keys: [String], runner: CommandRunner) async throws -> [String] {
        guard !keys.isEmpty else { return ["(none)"] }
        let result = try await runner.check(Command(
            "ssh-keygen", ["-l", "-f", "-"], input: keys.joined(separator: "\n") + "\n", step: "fingerprint host keys"))
        return result.text.split(separator: "\n").map { $0.replacingOccurrences(of: " no comment ", with: " ") }
    }
}
