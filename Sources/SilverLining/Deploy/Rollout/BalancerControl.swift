/// Sets an app server's state on the balancer, through the balancer's agent and HAProxy's
/// runtime API: in one app's backend while a rollout switches it, in every app's when
/// delete-node takes it out. A drain expires by itself after `drainExpirySeconds` unless
/// asked for again, so a silver killed mid-way leaves no app server drained for long.
struct BalancerControl: Sendable {
    var agent: NodeAgent
    /// Nil when the nodeset has no balancer: then every state change is a no-op that answers "up".
    var balancer: NodeRecord?
    var drainExpirySeconds: Int

    func set(
        _ server: String, app: String?, _ state: BalancerRequest.State, idleTimeoutSeconds: Int = 30, upTimeoutSeconds: Int = 0
    ) async throws -> BalancerAnswer {
        guard let balancer else { return BalancerAnswer(sessions: 0, status: "UP") }
        let request = BalancerRequest(
            server: server, app: app, state: state, idleTimeoutSeconds: idleTimeoutSeconds, upTimeoutSeconds: upTimeoutSeconds,
            expirySeconds: drainExpirySeconds)
        return try await agent.call("balancer", request: request, on: balancer.reach, as: BalancerAnswer.self)
    }

    /// Every app backend the server is in now; empty when the balancer no longer names it.
    func entries(of server: String) async throws -> [BalancerServer] {
        guard let balancer else { return [] }
        return try await agent.call("balancer-status", request: Empty(), on: balancer.reach, as: [BalancerServer].self)
            .filter { $0.server == server }
    }
}
