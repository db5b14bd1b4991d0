/// The rollout of a database failover: the app servers one at a time, each drained on the
/// balancer, its instances restarted with the new primary in their environment, and back in
/// rotation, so that the site keeps serving from the app servers not being restarted.
///
/// Instances are restarted in place rather than installed again under a new name: every
/// instance of the app, old ones included, must name the new primary (a later `activate
/// prev` must not bring back one that names the old), the app's files have not changed, and
/// a restart costs one process start, not an upload.
///
/// Nothing is rolled back: the instances' old settings name a primary that is gone. A
/// failure stops the rollout where it is, as a later node's failure stops an update; the
/// report says which app servers were not reached, and running `silver failover` again
/// with `--to` the new primary finishes the job.
extension RolloutPlan {
    /// `service` is the database service (`mysql`), `primary` the node now its primary.
    public static func failover(service: String, primary: String, appServers: [String], balanced: Bool, nodes: [String]) -> RolloutPlan {
        var plan = RolloutPlan(
            kind: .failover, app: service, instance: primary, appServers: appServers.map { AppServer(name: $0, serving: nil) },
            balanced: balanced, nodes: nodes, lockNode: appServers.first ?? "", phases: [])
        for (index, server) in appServers.enumerated() {
            var steps: [RolloutStep] = balanced ? [.drain(node: server)] : []
            steps.append(.reconfigure(node: server))
            if balanced { steps.append(.ready(node: server, waitUntilUp: true)) }
            plan.phases.append(RolloutPhase("app server \(index + 1)", lanes: [RolloutLane(node: server, steps: steps)], onFailure: .stop))
        }
        return plan
    }
}
