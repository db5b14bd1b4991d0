/// `silver delete-node` as a rollout plan, run by the same executor as update and activate.
///
/// Each app server leaves on its own, the first named first: drained in every app's backend
/// until its requests have finished, set to maintenance there (the balancer sends it nothing
/// and no drain expiry brings it back), then its instances stop. A failure or an interruption
/// before its instances stop puts it back into rotation; once they stop, it stays out. Then the rest of the nodeset is set up as if
/// the deleted nodes had never been there (topology, /etc/hosts, firewalls, HAProxy's
/// servers, pg_hba, this machine's hosts block), the database servers let the app servers
/// that are left in and no other, and last the nodes are destroyed. A failure in those later
/// phases stops the run where it is: every remaining node still serves, and running
/// delete-node again finishes the job.
extension RolloutPlan {
    /// - Parameters:
    ///   - appServers: the app servers to delete, in the order they leave.
    ///   - others: the other nodes to delete (service nodes, the balancer).
    ///   - balanced: whether the app servers sit behind a balancer.
    ///   - serviceNodes: the remaining database nodes, whose access follows the app servers.
    ///   - remaining: every node that stays, each of which gets the run's last call.
    ///   - lockNode: the first remaining app server, which keeps the nodeset's deploy lock.
    public static func removal(
        nodeset: String, appServers: [String], others: [String], balanced: Bool, serviceNodes: [String], remaining: [String],
        lockNode: String?
    ) -> RolloutPlan {
        var plan = RolloutPlan(
            kind: .removal, app: "", instance: "", appServers: appServers.map { AppServer(name: $0, serving: nil) }, balanced: balanced,
            nodes: remaining, lockNode: lockNode ?? "", phases: [])
        for server in appServers {
            if balanced {
                plan.phases.append(RolloutPhase(
                    "take \(server) out", lanes: [RolloutLane(node: server, steps: [.drain(node: server), .retire(node: server)])],
                    onFailure: .rollBack))
            }
            plan.phases.append(RolloutPhase(
                "stop \(server)", lanes: [RolloutLane(node: server, steps: [.stopInstances(node: server)])], onFailure: .stop))
        }
        plan.phases.append(RolloutPhase(
            "set up the rest", lanes: [RolloutLane(node: nodeset, steps: [.setUpRest(nodeset: nodeset)])], onFailure: .stop))
        if !appServers.isEmpty, !serviceNodes.isEmpty {
            plan.phases.append(RolloutPhase(
                "database access", lanes: serviceNodes.map { RolloutLane(node: $0, steps: [.grants(node: $0)]) }, onFailure: .stop))
        }
        plan.phases.append(RolloutPhase(
            "destroy", lanes: (appServers + others).map { RolloutLane(node: $0, steps: [.destroy(node: $0)]) }, onFailure: .stop))
        return plan
    }

    /// The app servers a failed removal puts back into rotation: those it had started to take
    /// out whose instances it had not yet begun to stop (one whose instances stopped stays
    /// out: it may no longer serve every app).
    func removalRollback(after started: [RolloutStep]) -> [RolloutPhase] {
        let leaving = appServers.map(\.name).filter { server in
            (started.contains(.drain(node: server)) || started.contains(.retire(node: server)))
                && !started.contains(.stopInstances(node: server))
        }
        guard !leaving.isEmpty else { return [] }
        return [RolloutPhase(
            "back into rotation", lanes: leaving.map { RolloutLane(node: $0, steps: [.ready(node: $0, waitUntilUp: true)]) },
            onFailure: .stop)]
    }

    /// The nodes a removal run took out of service before it ended: their instances were
    /// stopped, or they were destroyed.
    public static func retired(by started: [RolloutStep]) -> [String] {
        started.compactMap { step in
            switch step {
            case .stopInstances(let node), .destroy(let node): node
            default: nil
            }
        }.uniqued()
    }
}
