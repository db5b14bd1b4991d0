import Foundation

/// The recorded nodes of one nodeset, kept as JSON in the nodeset's directory and written
/// atomically after every change, so that a run killed half-way leaves a usable record.
public actor NodesetStore {
    public nonisolated let directory: String
    private var records: [String: NodeRecord]
    /// Facts a provider keeps about the whole nodeset (the local provider's bridge and subnet).
    private var providerFacts: [String: String]
    /// The records as they were read when the store was opened: for what must be decided
    /// before anything is awaited (which name a node goes by, `KeptNodeNames`).
    public nonisolated let opened: [NodeRecord]
    /// Each replicated database service's primary and fenced nodes, by service name.
    private var databaseRoles: [String: DatabaseRoles]

    public nonisolated var statePath: String { directory + "/state.json" }
    public nonisolated var knownHostsPath: String { directory + "/known_hosts" }
    public nonisolated var privateKeyPath: String { directory + "/id_ed25519" }
    public nonisolated var publicKeyPath: String { directory + "/id_ed25519.pub" }

    private struct File: Codable {
        var nodes: [NodeRecord]
        var provider: [String: String]?
        var databases: [String: DatabaseRoles]?
    }

    public init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = directory + "/state.json"
        if let data = FileManager.default.contents(atPath: path) {
            do {
                let file = try JSONDecoder().decode(File.self, from: data)
                records = Dictionary(file.nodes.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
                providerFacts = file.provider ?? [:]
                databaseRoles = file.databases ?? [:]
            } catch {
                throw StateError.unreadable(path: path, reason: String(describing: error))
            }
        } else {
            records = [:]
            providerFacts = [:]
            databaseRoles = [:]
        }
        opened = Array(records.values)
    }

    public init(home: SilverHome, nodeset: Nodeset) throws {
        try self.init(directory: home.nodesetDirectory(nodeset.name))
    }

    public func all() -> [NodeRecord] {
        records.values.sorted { ($0.role, $0.name.count, $0.name) < ($1.role, $1.name.count, $1.name) }
    }

    public func record(named name: String) -> NodeRecord? {
        records[name]
    }

    public func save(_ record: NodeRecord) throws {
        records[record.name] = record
        try write()
        try writeKnownHosts()
    }

    public func providerFact(_ key: String) -> String? {
        providerFacts[key]
    }

    public func setProviderFacts(_ facts: [String: String?]) throws {
        for (key, value) in facts { providerFacts[key] = value }
        try write()
    }

    public func roles() -> [String: DatabaseRoles] {
        databaseRoles
    }

    /// Records a service's primary and fenced nodes (nil: forgets them, back to the first node).
    public func setRoles(_ roles: DatabaseRoles?, service: String) throws {
        databaseRoles[service] = roles
        try write()
    }

    public func remove(named name: String) throws {
        records[name] = nil
        try write()
        try writeKnownHosts()
    }

    private func write() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(File(
            nodes: all(), provider: providerFacts.isEmpty ? nil : providerFacts, databases: databaseRoles.isEmpty ? nil : databaseRoles))
        try data.write(to: URL(fileURLWithPath: statePath), options: .atomic)
    }

    /// One line per host key, for both the node's name and its address, so that
    /// `StrictHostKeyChecking=yes` accepts exactly the keys recorded at create time.
    private func writeKnownHosts() throws {
        let lines = all().flatMap { node in
            node.hostKeys.map { "\(node.address),\(node.name) \($0)" }
        }
        let text = lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: knownHostsPath), options: .atomic)
    }
}

public enum StateError: UserFacingError {
    case unreadable(path: String, reason: String)

    public var exitStatus: Int32 { ExitStatus.failure }

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "cannot read silver's record of this nodeset at \(path): \(reason). Fix or remove the file; removing it makes silver forget the nodes it made."
        }
    }
}
