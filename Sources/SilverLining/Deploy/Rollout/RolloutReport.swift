/// What a run's ending means to the user: nothing when it completed, otherwise the
/// `DeployError` that says what failed and what serves where now.
extension RolloutExecutor.Outcome {
    func check(_ plan: RolloutPlan, session: NodesetSession, agent: NodeAgent, topology: Topology) async throws {
        switch ending {
        case .completed:
            return
        case .rolledBack(let phase, let node, let failure, let restored):
            guard phase == plan.phases.first?.name else {
                let previous = plan.appServers.first { $0.name == node }?.serving
                throw DeployError.firstNodeFailed(node: node, reason: failure.description, restored: restored ? previous : "an unknown instance")
            }
            let errors = failures.compactMap { node, failure -> (String, any Error)? in
                guard case .error(let error) = failure else { return nil }
                return (node, error)
            }
            let reason = errors.isEmpty ? "interrupted" : String(describing: FanOutError(failures: errors))
            throw DeployError.failedBeforeSwitching(reason: reason)
        case .stopped(_, let node, let failure):
            let serving = await Task { await Serving.query(app: plan.app, session: session, agent: agent, topology: topology) }.value
            if failure.isInterruption { throw DeployError.interrupted(serving: serving) }
            throw DeployError.rolloutStopped(node: node, reason: failure.description, serving: serving)
        }
    }
}

extension RolloutExecutor.Failure {
    var isInterruption: Bool {
        if case .interrupted = self { return true }
        return false
    }
}

/// Which instance of an app each app server serves now, and whether the balancer sends it
/// the app's requests, for reports after a failure: asked of the nodes, not assumed.
enum Serving {
    static func query(app: String, session: NodesetSession, agent: NodeAgent, topology: Topology) async -> [String: String] {
        let nodes = topology.nodes(in: .appserver)
        async let balancer = BalancerStates.query(topology: topology, agent: agent)
        let answers = await forEach(nodes, parallel: session.parallel) { node in
            try await agent.call("prelude", request: PreludeRequest(app: app, lock: nil), on: node.reach, as: PreludeAnswer.self)
        }
        let states = await balancer
        var serving: [String: String] = [:]
        for (node, answer) in zip(nodes, answers) {
            let state = states.state(of: node.name, app: app)
            let rotation = ["ready", "-"].contains(state) ? "" : " (on the balancer: \(state))"
            switch answer {
            case .success(let prelude): serving[node.name] = (prelude.instances?.active ?? "nothing") + rotation
            case .failure(let error): serving[node.name] = "unknown (\(RemoteError.brief(error)))" + rotation
            }
        }
        return serving
    }
}
