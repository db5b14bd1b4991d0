import Foundation

/// `silver create-node`: makes every node the nodeset asks for that does not run yet.
/// Idempotent: running nodes are left alone, stopped ones started, missing ones created,
/// so raising `nodes` and running it again adds exactly the new nodes.
public struct NodeCreation: Sendable {
    public let session: NodesetSession

    public init(session: NodesetSession) {
        self.session = session
    }

    public struct Report: Sendable {
        public var created: [String] = []
        public var started: [String] = []
        public var unchanged: [String] = []
        /// Recorded nodes the nodeset no longer names (its `nodes` was lowered).
        public var strays: [String] = []
    }

    /// Makes the named nodes (all when `names` is empty) exist and run.
    @discardableResult
    public func run(names: [String] = []) async throws -> Report {
        let nodeset = session.nodeset
        let unknown = names.filter { nodeset.node(named: $0) == nil }
        guard unknown.isEmpty else {
            throw NodeSelectionError.unknownNodes(unknown, nodeset: nodeset.name, known: nodeset.nodes.map(\.name))
        }
        let specs = names.isEmpty ? nodeset.nodes : nodeset.nodes.filter { names.contains($0.name) }
        try await session.ensureKeyPair()
        let context = session.providerContext
        try await session.store.setProviderFacts(["provider": nodeset.provider.kind, "file": absolutePath(nodeset.file)])
        try await session.provider.prepare(for: specs, context: context)

        let store = session.store
        let provider = session.provider
        let ssh = session.ssh
        let outcomes = try await forEachOrThrow(specs, parallel: session.parallel, name: \.name) { spec in
            let existing = await store.record(named: spec.name)
            var before: NodeState?
            if let existing { before = try await provider.state(of: existing, context: context) }
            var record = try await provider.ensure(spec, existing: existing, context: context)
            // The same node keeps the keys pinned when it was made, so that a changed key is
            // refused below; only `--rescan-host-keys` pins new ones.
            if let existing, before != .missing, record.providerID == existing.providerID, record.address == existing.address,
                !existing.hostKeys.isEmpty
            {
                record.hostKeys = existing.hostKeys
            }
            // Recorded before any wait for SSH, unfinished until that wait is over, so that a
            // node that never answers stays in the record for destroy-node and the next run.
            // A node create-node finished before stays finished whatever this run meets.
            let finishedBefore = existing.map { !$0.isUnfinished && $0.providerID == record.providerID } ?? false
            record.unfinished = finishedBefore && before != .missing ? nil : true
            try await store.save(record)
            let vouched = try await provider.awaitSSH(record, context: context)
            if record.hostKeys.isEmpty { record.hostKeys = vouched }
            if record.hostKeys.isEmpty {
                record.hostKeys = try await HostKeyScan.scan(record.reach, runner: context.runner)
                session.console.warn(
                    "\(spec.name): the provider offers no host keys to check against, so the \(record.hostKeys.count) it "
                        + "presented on first contact are pinned (trust on first use)")
            }
            try await store.save(record)
            // The first connection proves the pinned host key and the nodeset's key both work,
            // and leaves a ControlMaster open for whatever comes next.
            try await ssh.check(Command("true", step: "first contact"), on: record.reach)
            record.unfinished = nil
            try await store.save(record)
            return (name: spec.name, before: before)
        }
        var report = Report()
        for (name, before) in outcomes {
            switch before {
            case nil, .missing?, .failed?: report.created.append(name)
            case .stopped?: report.started.append(name)
            case .running?: report.unchanged.append(name)
            }
        }
        let wanted = Set(nodeset.nodes.map(\.name))
        report.strays = await store.all().map(\.name).filter { !wanted.contains($0) }
        if !report.strays.isEmpty {
            session.console.warn(
                "\(report.strays.joined(separator: ", ")) \(report.strays.count == 1 ? "is" : "are") recorded but no longer in \(nodeset.file); "
                    + "take \(report.strays.count == 1 ? "it" : "them") out with `silver delete-node \(nodeset.file)`")
        }
        return report
    }
}

func absolutePath(_ path: String) -> String {
    path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
}

public enum NodeSelectionError: UserFacingError, Equatable {
    case unknownNodes([String], nodeset: String, known: [String])
    case notCreated([String], nodeset: String)
    /// Launched, but create-node never reached them over SSH.
    case unfinished([String], nodeset: String)

    public var exitStatus: Int32 { ExitStatus.badInput }

    public var description: String {
        switch self {
        case .unknownNodes(let names, let nodeset, let known):
            "\(names.joined(separator: ", ")) \(names.count == 1 ? "is" : "are") not a node of \(nodeset); its nodes are: \(known.joined(separator: ", "))"
        case .notCreated(let names, let nodeset):
            "\(names.joined(separator: ", ")) of \(nodeset) \(names.count == 1 ? "has" : "have") not been created; run `silver create-node` first"
        case .unfinished(let names, let nodeset):
            "create-node has not finished \(names.joined(separator: ", ")) of \(nodeset) (launched, not yet reached over SSH); "
                + "run `silver create-node` again, or remove \(names.count == 1 ? "it" : "them") with `silver destroy-node`"
        }
    }
}
