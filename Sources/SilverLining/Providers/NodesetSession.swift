import Foundation

/// An open nodeset: its configuration, its record, its provider and the SSH access to its
/// nodes. Every command that works on a nodeset starts by opening one.
public struct NodesetSession: Sendable {
    public let nodeset: Nodeset
    public let store: NodesetStore
    public let ssh: SSH
    public let console: Console
    public let provider: any Provider
    /// How many nodes are worked on at once.
    public let parallel: Int
    public let runner: CommandRunner

    public static let defaultParallel = 16

    public init(
        nodeset: Nodeset, provider: any Provider, home: SilverHome = SilverHome(), console: Console = Console(),
        parallel: Int = NodesetSession.defaultParallel, runner: CommandRunner = CommandRunner()
    ) throws {
        self.provider = provider
        self.console = console
        self.parallel = max(1, parallel)
        self.runner = runner
        store = try NodesetStore(home: home, nodeset: nodeset)
        let (named, kept) = KeptNodeNames.apply(to: nodeset, recorded: store.opened)
        self.nodeset = named
        KeptNodeNames.tell(kept, nodeset: named, directory: store.directory, console: console)
        let privateKey = nodeset.provider.settings["ssh_key"].map { NodesetSession.expandTilde($0) } ?? store.privateKeyPath
        ssh = SSH(
            privateKey: privateKey, knownHosts: store.knownHostsPath, user: nodeset.provider.settings["user"] ?? "root",
            runner: runner)
    }

    public var providerContext: ProviderContext {
        ProviderContext(nodeset: nodeset, store: store, ssh: ssh, console: console, runner: runner)
    }

    /// Creates the nodeset's SSH key pair the first time: its public half goes into every
    /// node's authorized_keys; it never leaves the nodeset's directory otherwise.
    public func ensureKeyPair() async throws {
        guard ssh.privateKey == store.privateKeyPath else { return }
        if FileManager.default.fileExists(atPath: store.privateKeyPath) { return }
        try await runner.check(Command(
            "ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "silver@\(nodeset.name)", "-f", store.privateKeyPath],
            step: "create the nodeset's SSH key"))
    }

    /// The recorded nodes, in nodeset order, optionally only those named.
    public func records(named names: [String] = []) async -> [NodeRecord] {
        let all = await store.all()
        return names.isEmpty ? all : all.filter { names.contains($0.name) }
    }

    /// The recorded nodes named (all when `names` is empty); a name that is not recorded is
    /// an error saying whether it was never created or is not a node of the nodeset at all.
    public func existingRecords(named names: [String]) async throws -> [NodeRecord] {
        let records = await records(named: names)
        let recordedNames = Set(records.map(\.name))
        let unknown = names.filter { !recordedNames.contains($0) }
        if !unknown.isEmpty {
            if unknown.allSatisfy({ nodeset.node(named: $0) != nil }) {
                throw NodeSelectionError.notCreated(unknown, nodeset: nodeset.name)
            }
            throw NodeSelectionError.unknownNodes(unknown, nodeset: nodeset.name, known: await store.all().map(\.name))
        }
        return records
    }

    static func expandTilde(_ path: String) -> String {
        path.hasPrefix("~/") ? NSHomeDirectory() + path.dropFirst() : path
    }

    /// Every node the nodeset names, as recorded; all must have been created.
    public func topology() async throws -> Topology {
        try await topology(of: nodeset)
    }

    /// The same for another description of this nodeset's nodes (delete-node's: without the
    /// nodes it deletes), among the recorded nodes except `excluding`.
    public func topology(of described: Nodeset, excluding: Set<String> = []) async throws -> Topology {
        let records = await store.all().filter { !excluding.contains($0.name) }
        let byName = Dictionary(records.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let missing = described.nodes.map(\.name).filter { byName[$0] == nil }
        guard missing.isEmpty else { throw NodeSelectionError.notCreated(missing, nodeset: nodeset.name) }
        let unfinished = records.filter(\.isUnfinished).map(\.name)
        guard unfinished.isEmpty else { throw NodeSelectionError.unfinished(unfinished, nodeset: nodeset.name) }
        return Topology(nodeset: described, records: records, databaseRoles: await store.roles())
    }
}
