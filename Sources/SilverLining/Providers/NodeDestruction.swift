import Foundation

/// `silver destroy-node`: removes nodes for good. When the nodeset's last node is gone, what
/// the provider made for the nodeset (a bridge, an apt cache, security groups) goes too, and
/// so does the nodeset's block in this machine's /etc/hosts, which would name dead addresses.
public struct NodeDestruction: Sendable {
    public let session: NodesetSession
    public var localHostsFile: String

    public init(session: NodesetSession, localHostsFile: String = "/etc/hosts") {
        self.session = session
        self.localHostsFile = localHostsFile
    }

    /// The records that `run(names:)` would destroy, for the confirmation question.
    public func targets(names: [String]) async throws -> [NodeRecord] {
        try await session.existingRecords(named: names)
    }

    /// Destroys the named nodes (all when `names` is empty). Returns the names destroyed.
    @discardableResult
    public func run(names: [String] = []) async throws -> [String] {
        let records = try await targets(names: names)
        let context = session.providerContext
        let provider = session.provider
        let store = session.store
        let console = session.console
        try await forEachOrThrow(records, parallel: session.parallel, name: \.name) { record in
            try await provider.destroy(record, context: context)
            try await store.remove(named: record.name)
            console.say("destroyed", node: record.name)
        }
        if await store.all().isEmpty {
            try await provider.release(context: context)
            try? FileManager.default.removeItem(atPath: store.directory)
            removeLocalHostsBlock()
        }
        return records.map(\.name)
    }

    private func removeLocalHostsBlock() {
        guard let current = try? String(contentsOfFile: localHostsFile, encoding: .utf8) else { return }
        let kept = HostsBlock(nodeset: session.nodeset.name, lines: []).removed(from: current)
        guard kept != current else { return }
        do {
            try Data(kept.utf8).write(to: URL(fileURLWithPath: localHostsFile))
        } catch {
            session.console.warn("cannot remove the nodeset's block from \(localHostsFile) (\(error.localizedDescription))")
        }
    }
}
