/// How database work reaches a service's nodes: the primary must answer, replicas may not.
extension ServiceContext {
    /// Fails at once, naming the node, when the primary does not answer on SSH. With
    /// replicas the message points at `silver failover`; the replicas themselves are not
    /// needed for an app's setup, which reaches them through replication.
    func ensurePrimaryReachable(_ placement: ServicePlacement) async throws {
        guard placement.isReplicated else { return try await ensureReachable([placement.primary], for: placement.kind) }
        guard try await reachable([placement.primary]).isEmpty == false else {
            throw ServiceError.primaryDown(
                placement.kind, node: placement.primary.name, address: placement.primary.address, nodeset: session.nodeset.file,
                replicas: placement.replicas.map(\.name))
        }
    }

    /// The nodes among `nodes` that accept connections on SSH's port, in order.
    func reachable(_ nodes: [NodeRecord]) async throws -> [NodeRecord] {
        let outcomes = await forEach(nodes, parallel: session.parallel) { node in
            TCPProbe.isOpen(address: node.address, port: 22, timeout: .seconds(2))
        }
        return zip(nodes, outcomes).compactMap { node, outcome in (try? outcome.get()) == true ? node : nil }
    }

    /// Gives the replicas the secrets the primary keeps, so that whichever becomes primary
    /// can hand apps the same passwords. A replica that does not answer is said and skipped:
    /// setup-node gives it every secret when it makes it a replica again.
    func shareSecrets(_ secrets: [String: String], with placement: ServicePlacement) async throws {
        guard placement.isReplicated, !secrets.isEmpty else { return }
        let agent = agent
        let console = console
        let replicas = placement.replicas
        let up = try await reachable(replicas)
        for node in replicas where !up.contains(node) {
            console.warn("\(node.name), a replica of \(placement.kind.rawValue), does not answer; it gets the app's password at its next setup-node")
        }
        try await forEachOrThrow(up, parallel: session.parallel, name: \.name) { node in
            _ = try await agent.call("secrets", request: SecretsRequest(keep: secrets), on: node.reach, as: [String: String].self)
        }
    }
}

extension ServiceContext {
    /// Runs a command whose input holds `secret` (SQL that sets a password). Should it fail,
    /// the secret is masked in what the node printed, since a client may quote the statement.
    @discardableResult
    func check(_ command: Command, on node: NodeRecord, hiding secret: String) async throws -> CommandResult {
        do {
            return try await ssh.check(command, on: node.reach)
        } catch RemoteError.failed(let name, let step, let status, let output) where !secret.isEmpty {
            throw RemoteError.failed(
                node: name, step: step, status: status, errorOutput: output.replacing(secret, with: ServiceEnvironmentReport.mask))
        }
    }
}
