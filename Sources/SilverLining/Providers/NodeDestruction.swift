import Foundation

/// `silver destroy-node`: removes nodes for good. When the nodeset's last node is gone, what
/// the provider made for the nodeset (a bridge, an apt cache, security groups) goes too.
public struct NodeDestruction: Sendable {
    public let session: NodesetSession

    public init(session: NodesetSession) {
        self.session = session
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
        }
        return records.map(\.name)
    }
}
