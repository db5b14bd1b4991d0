import Foundation

/// `silver list-nodes`: every node of a nodeset with its role, address and state.
public struct NodeListing: Sendable {
    public let session: NodesetSession

    public init(session: NodesetSession) {
        self.session = session
    }

    public struct Row: Sendable, Encodable, Equatable {
        public var name: String
        public var role: String
        public var address: String
        /// The provider's id for it: a cloud server's id, a local node's directory.
        public var id: String
        /// `running`, `stopped`, `failed` (the cloud put it in ERROR), `missing` (recorded but
        /// gone), `not created`; `, unfinished` when create-node has not reached it over SSH;
        /// `, not in nodeset` when the file no longer names it.
        public var state: String
    }

    public func rows() async -> [Row] {
        let context = session.providerContext
        let provider = session.provider
        let records = await session.store.all()
        let states = await forEach(records, parallel: session.parallel) { record in
            try await provider.state(of: record, context: context)
        }
        var rows: [Row] = []
        let wanted = Set(session.nodeset.nodes.map(\.name))
        var recorded = Set<String>()
        for (record, state) in zip(records, states) {
            recorded.insert(record.name)
            var text: String
            switch state {
            case .success(let state): text = state.rawValue
            case .failure(let error): text = "unknown (\(error))"
            }
            if record.isUnfinished { text += ", unfinished" }
            if !wanted.contains(record.name) { text += ", not in nodeset" }
            rows.append(Row(
                name: record.name, role: record.role.topologyKey, address: record.address.isEmpty ? "-" : record.address,
                id: record.providerID, state: text))
        }
        for spec in session.nodeset.nodes where !recorded.contains(spec.name) {
            rows.append(Row(name: spec.name, role: spec.role.topologyKey, address: "-", id: "-", state: "not created"))
        }
        let order = Dictionary(session.nodeset.nodes.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        return rows.sorted { (order[$0.name] ?? Int.max, $0.name) < (order[$1.name] ?? Int.max, $1.name) }
    }

    public static func table(_ rows: [Row]) -> String {
        Table(header: ["NAME", "ROLE", "ADDRESS", "ID", "STATE"], rows: rows.map { [$0.name, $0.role, $0.address, $0.id, $0.state] }).text
    }
}
