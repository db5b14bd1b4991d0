/// setup-node's part for a database service with replicas, once every node has its plan
/// (server, replication settings, boot plan): the replication account and password, the
/// apps' passwords on every node, and each follower replicating from the primary, copied
/// afresh from it when it does not (a new node, or a fenced former primary). Running it
/// again on a healthy service changes nothing.
public struct DatabaseReplication: Sendable {
    public var context: ServiceContext

    public init(context: ServiceContext) {
        self.context = context
    }

    /// Every database service of the nodeset that runs on more than one node.
    public static func placements(in topology: Topology) -> [ServicePlacement] {
        ServiceKind.allCases.filter(\.isDatabase).compactMap { kind in
            let nodes = topology.nodes(in: .service(kind.rawValue))
            guard nodes.count > 1 else { return nil }
            return ServicePlacement.onServiceNodes(kind: kind, nodes: nodes, roles: topology.databaseRoles[kind.rawValue])
        }
    }

    /// How long a follower that replicates from the primary may take to connect after a
    /// restart before it is copied afresh.
    static let settle: Duration = .seconds(10)

    /// Brings the service's replication in line; returns what changed, by node.
    @discardableResult
    public func converge(_ placement: ServicePlacement) async throws -> [String: [String]] {
        guard let engine = DatabaseService.of(placement.kind)?.engine, placement.isReplicated else { return [:] }
        let context = context
        let primary = placement.primary
        let service = placement.kind.rawValue
        var changes: [String: [String]] = [:]

        let password = try await context.secret(engine.replicationSecret, on: primary)
        let secrets = try await context.agent.call(
            "secrets", request: SecretsRequest(folders: [engine.secretFolder]), on: primary.reach, as: [String: String].self)
            .merging([engine.replicationSecret: password]) { _, new in new }
        try await forEachOrThrow(placement.followers, parallel: context.session.parallel, name: \.name) { node in
            _ = try await context.agent.call("secrets", request: SecretsRequest(keep: secrets), on: node.reach, as: [String: String].self)
        }
        let files = engine.secretFiles(password: password)
        if !files.isEmpty { try await context.apply(NodePlan(files: files), on: placement.nodes) }

        let states = try await forEachOrThrow(placement.nodes, parallel: context.session.parallel, name: \.name) { node in
            (node, try await engine.state(of: node, context: context))
        }
        // A follower that takes writes and holds apps' data may hold the newest data (the
        // nodeset's state was lost after a failover): it is never copied over. A fresh
        // PostgreSQL, writable as installed, holds none.
        var writable: [String] = []
        for (node, state) in states where state.writable && node != primary {
            // A former primary that came back before its boot plan could see the new one:
            // silver knows it is behind, and makes it read-only before it is copied over.
            if placement.fenced.contains(node) {
                try await engine.fence(node, context: context)
                changes[node.name, default: []].append("made read-only: \(primary.name) is the primary")
                continue
            }
            let held = try await context.ssh.check(
                engine.admin(engine.appDatabasesSQL, database: nil, step: "look for apps' databases"), on: node.reach)
            if held.text.trimmed != "0" { writable.append(node.name) }
        }
        guard writable.isEmpty else { throw ReplicationError.primaryNotWritable(node: primary.name, writable: writable) }
        if states.first(where: { $0.0 == primary })?.1.writable != true {
            try await engine.makeWritable(primary, context: context)
            changes[primary.name, default: []].append("made \(service)'s primary writable")
        }
        try await context.check(
            engine.admin(engine.primarySQL(password: password, placement: placement), database: nil, step: "set up \(service)'s replication account"),
            on: primary, hiding: password)

        let rebuilt = try await forEachOrThrow(placement.followers, parallel: context.session.parallel, name: \.name) { node in
            let state = states.first { $0.0 == node }!.1
            guard try await !follows(node, state: state, placement: placement, engine: engine) else { return nil as NodeRecord? }
            context.console.say("copying \(service) from \(primary.name) and replicating from it", node: node.name)
            try await engine.rebuild(node, placement: placement, password: password, context: context)
            try await waitUntilFollowing(node, placement: placement, engine: engine)
            return node
        }.compactMap { $0 }
        for node in rebuilt { changes[node.name, default: []].append("made a replica of \(primary.name) (\(service))") }
        if !placement.fenced.isEmpty {
            // Every follower now replicates from the primary: none is left to fence.
            try await context.session.store.setRoles(DatabaseRoles(primary: primary.name), service: service)
            for node in placement.fenced { changes[node.name, default: []].append("no longer fenced: back in \(service)'s apps' replicas") }
        }
        return changes
    }

    /// Whether `node` replicates from the primary, given a moment to connect when it is set up
    /// to and only not connected yet.
    func follows(_ node: NodeRecord, state: ReplicaState, placement: ServicePlacement, engine: any ReplicationEngine) async throws -> Bool {
        if state.follows(placement.primary) { return true }
        guard !state.writable, state.source == placement.primary.address, state.error == nil else { return false }
        return await poll(every: .milliseconds(500), deadline: Self.settle) {
            (try? await engine.state(of: node, context: context))?.follows(placement.primary) == true
        }
    }

    func waitUntilFollowing(_ node: NodeRecord, placement: ServicePlacement, engine: any ReplicationEngine) async throws {
        var last: ReplicaState?
        let following = await poll(every: .milliseconds(500), deadline: .seconds(60)) {
            last = try? await engine.state(of: node, context: context)
            return last?.follows(placement.primary) == true
        }
        guard following else {
            throw ReplicationError.notStreaming(
                node: node.name, primary: placement.primary.name,
                detail: last.map { $0.error ?? "receiving: \($0.receiving), applying: \($0.applying), from \($0.source ?? "nowhere")" } ?? "its server does not answer")
        }
    }
}
