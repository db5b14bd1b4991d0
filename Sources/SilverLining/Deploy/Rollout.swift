/// Switches app servers from one instance of an app to another, one node or a batch at a
/// time, with each node drained on the balancer while it switches so no request fails.
public struct Rollout: Sendable {
    public var session: NodesetSession
    public var agent: NodeAgent
    public var topology: Topology
    public var app: String
    /// Host header for health checks.
    public var host: String

    public init(session: NodesetSession, agent: NodeAgent, topology: Topology, app: String, host: String) {
        self.session = session
        self.agent = agent
        self.topology = topology
        self.app = app
        self.host = host
    }

    /// Routes the node to `instance` (nil: to nothing). Returns the instance it served before.
    @discardableResult
    public func switchNode(_ node: NodeRecord, to instance: String?) async throws -> String? {
        let balancer = topology.balancer
        if let balancer {
            let answer = try await agent.call(
                "balancer", request: BalancerRequest(server: node.name, state: .drain), on: balancer.reach, as: BalancerAnswer.self)
            if answer.sessions > 0 {
                session.console.warn("\(node.name) still had \(answer.sessions) requests in flight after draining; switching anyway")
            }
        }
        let result: Result<ActivateAnswer, any Error>
        do {
            result = .success(try await agent.call(
                "activate", request: ActivateRequest(app: app, instance: instance, host: host), on: node.reach,
                as: ActivateAnswer.self, console: session.console))
        } catch {
            result = .failure(error)
        }
        // Back into rotation whatever happened: the node serves its old instance if the switch
        // failed. A node that now serves something is waited for until the balancer's health
        // check sees it, so that when the rollout ends every switched node takes requests.
        if let balancer {
            let serves = (try? result.get()) != nil && instance != nil
            let answer = try? await agent.call(
                "balancer", request: BalancerRequest(server: node.name, state: .ready, upTimeoutSeconds: serves ? 10 : 0),
                on: balancer.reach, as: BalancerAnswer.self)
            if serves, let answer, !answer.isUp {
                session.console.warn("the balancer still sees \(node.name) as \(answer.status); its health check \(RouterConfiguration.readyPath) fails")
            }
        }
        let previous = try result.get().previous
        session.console.say("serves \(instance ?? "nothing") (was \(previous ?? "nothing"))", node: node.name)
        return previous
    }

    /// Switches `nodes` in batches of `batch`; stops after the first batch with a failure.
    /// Returns the first failure, if any.
    public func switchNodes(_ nodes: [NodeRecord], to instance: String?, batch: Int) async -> (node: String, error: any Error)? {
        var remaining = nodes[...]
        while !remaining.isEmpty {
            if Task.isCancelled { return (remaining.first!.name, CancellationError()) }
            let group = Array(remaining.prefix(max(1, batch)))
            remaining = remaining.dropFirst(group.count)
            let outcomes = await forEach(group, parallel: group.count) { node in try await switchNode(node, to: instance) }
            for (node, outcome) in zip(group, outcomes) {
                if case .failure(let error) = outcome { return (node.name, error) }
            }
        }
        return nil
    }

    /// Which instance each app server serves now, for reports after a failure.
    public func serving() async -> [String: String] {
        let nodes = topology.nodes(in: .appserver)
        let answers = await forEach(nodes, parallel: session.parallel) { node in
            try await agent.call("instances", [app], request: Empty(), on: node.reach, as: InstanceList.self)
        }
        var serving: [String: String] = [:]
        for (node, answer) in zip(nodes, answers) {
            switch answer {
            case .success(let list): serving[node.name] = list.active ?? "nothing"
            case .failure(let error): serving[node.name] = "unknown (\(RemoteError.brief(error)))"
            }
        }
        return serving
    }
}

extension RemoteError {
    /// The first line of an error's description, for one-line reports.
    static func brief(_ error: any Error) -> String {
        String(describing: error).split(separator: "\n").first.map(String.init) ?? "error"
    }
}
