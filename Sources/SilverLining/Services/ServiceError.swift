/// Why a service could not do its work for an app.
public enum ServiceError: UserFacingError, Equatable {
    /// A node the service runs on does not answer.
    case nodeDown(node: String, address: String, purpose: String)
    /// The primary of a database service with replicas does not answer.
    case primaryDown(ServiceKind, node: String, address: String, nodeset: String, replicas: [String])
    /// A backup folder lacks the file this service restores from.
    case missingBackupFile(ServiceKind, path: String)

    public var exitStatus: Int32 { ExitStatus.failure }

    public var description: String {
        switch self {
        case .nodeDown(let node, let address, let purpose):
            "\(node) (\(address)), \(purpose), does not answer on SSH, so nothing was done. Check it with `silver list-nodes` and start it with `silver create-node`."
        case .primaryDown(let kind, let node, let address, let nodeset, let replicas):
            "\(node) (\(address)), the primary of \(kind.rawValue), does not answer on SSH, so nothing was done. If it is only stopped, start it with `silver create-node`; if it is gone, "
                + (replicas.isEmpty
                    ? "no replica is left to take over."
                    : "promote a replica (\(replicas.joined(separator: ", "))) with `silver failover \(nodeset) \(kind.rawValue)`.")
        case .missingBackupFile(let kind, let path):
            "\(path) is missing, so \(kind.rawValue) cannot be restored from this backup"
        }
    }
}

extension ServiceContext {
    /// Fails at once, naming the node, when one of `nodes` does not accept connections on
    /// SSH's port, rather than after SSH's own timeouts and with less to go on.
    func ensureReachable(_ nodes: [NodeRecord], for kind: ServiceKind) async throws {
        try await ensureReachable(nodes, purpose: kind.isDatabase ? "which runs \(kind.rawValue)" : "an app server holding \(kind.rawValue)")
    }

    func ensureReachable(_ nodes: [NodeRecord], purpose: String) async throws {
        let outcomes = await forEach(nodes, parallel: session.parallel) { node in
            TCPProbe.isOpen(address: node.address, port: 22, timeout: .seconds(2))
        }
        for (node, outcome) in zip(nodes, outcomes) where (try? outcome.get()) != true {
            throw ServiceError.nodeDown(node: node.name, address: node.address, purpose: purpose)
        }
    }

    /// Asks the node's agent for the service's secret for the app, made on the node the first time.
    func secret(_ name: String, on node: NodeRecord) async throws -> String {
        return try await agent.call("secret", request: SecretRequest(name: name), on: node.reach, as: SecretAnswer.self).value
    }

    /// Makes each node match `plan` (the service's server, client packages, directories).
    func apply(_ plan: NodePlan, on nodes: [NodeRecord]) async throws {
        let agent = agent
        let console = console
        try await forEachOrThrow(nodes, parallel: session.parallel, name: \.name) { node in
            let report = try await agent.call("apply", request: plan, on: node.reach, as: ApplyReport.self)
            for change in report.changes { console.say(change, node: node.name) }
        }
    }
}
