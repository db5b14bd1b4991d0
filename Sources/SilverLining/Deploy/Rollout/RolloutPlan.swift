/// A rollout as a value: the ordered phases of steps per node that `update` and `activate`
/// run, computed from the nodeset's app servers and what each serves now, and, for any point
/// where it may fail or be interrupted, the steps that undo it. `RolloutExecutor` runs it;
/// tests read it. `delete-node` is one too (`RolloutPlan.removal`, in Scale/).
///
/// The order is the design note's: the new instance is half-deployed everywhere (update),
/// then the first app server is drained, switched, put back and runs `update_fetch`; only
/// then do the rest switch, a batch at a time. Up to and including the first app server,
/// a failure rolls the whole run back; after it, the rollout stops where it is.
public struct RolloutPlan: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// A new instance: uploaded and installed, then switched to.
        case update
        /// An instance the app servers already have (`silver activate`, a rollback).
        case activate
        /// Nodes leaving the nodeset (`silver delete-node`): see `RolloutPlan.removal`.
        case removal
        /// The same instances, restarted with a database's new primary (`silver failover`).
        case failover
    }

    /// An app server and the instance of the app it serves before the run.
    public struct AppServer: Hashable, Sendable {
        public var name: String
        public var serving: String?

        public init(name: String, serving: String?) {
            self.name = name
            self.serving = serving
        }
    }

    public var kind: Kind
    public var app: String
    /// What every app server serves when the run completes.
    public var instance: String
    /// In the nodeset's order: the first is switched alone, before the rest.
    public var appServers: [AppServer]
    /// Whether the app servers sit behind a balancer.
    public var balanced: Bool
    /// Every node of the nodeset: each gets the run's last call (its deploy log).
    public var nodes: [String]
    /// The node that keeps the nodeset's deploy lock.
    public var lockNode: String
    public var phases: [RolloutPhase]

    /// `silver update`: upload and install everywhere, switch the first app server, fetch and
    /// watch it there for `soak` seconds, then the rest `batch` at a time, each batch watched
    /// for a third as long. With `fetchEverywhere` (`update_fetch_everywhere`), each of the
    /// rest first fetches on its new instance too, marked as not the primary fetch, before it
    /// is drained: a failing fetch stops it from switching.
    public static func update(
        app: String, instance: String, appServers: [AppServer], balanced: Bool, checksConfig: Bool = false, fetches: Bool,
        fetchEverywhere: Bool = false, soak: Int = 0, batch: Int, nodes: [String]
    ) -> RolloutPlan {
        var plan = RolloutPlan(
            kind: .update, app: app, instance: instance, appServers: appServers, balanced: balanced, nodes: nodes,
            lockNode: appServers.first?.name ?? "", phases: [])
        plan.phases.append(RolloutPhase(
            "stage", lanes: appServers.enumerated().map { index, server in
                let staged: [RolloutStep] = [.upload(node: server.name, instance: instance), .install(node: server.name, instance: instance)]
                // The configuration is checked once, on the first app server, before anything switches.
                let check: [RolloutStep] = checksConfig && index == 0 ? [.checkConfig(node: server.name, instance: instance)] : []
                return RolloutLane(node: server.name, steps: staged + check)
            }, onFailure: .rollBack))
        plan.phases += plan.switchPhases(fetchOnFirst: fetches, fetchOnRest: fetches && fetchEverywhere, soak: soak, batch: batch)
        return plan
    }

    /// `silver activate`: start the instance everywhere at once (it was stopped when switched
    /// away from), then switch as an update does, without uploading or fetching.
    public static func activate(
        app: String, instance: String, appServers: [AppServer], balanced: Bool, soak: Int = 0, batch: Int, nodes: [String]
    ) -> RolloutPlan {
        var plan = RolloutPlan(
            kind: .activate, app: app, instance: instance, appServers: appServers, balanced: balanced, nodes: nodes,
            lockNode: appServers.first?.name ?? "", phases: [])
        plan.phases.append(RolloutPhase(
            "start", lanes: appServers.map { RolloutLane(node: $0.name, steps: [.start(node: $0.name, instance: instance)]) },
            onFailure: .rollBack))
        plan.phases += plan.switchPhases(fetchOnFirst: false, fetchOnRest: false, soak: soak, batch: batch)
        return plan
    }

    /// Whether an app server is drained while it switches: only when others can take its
    /// requests meanwhile. The only app server is switched in place (nginx reloads without
    /// dropping a request): drained, the balancer would have no server for the app at all.
    var drains: Bool { balanced && appServers.count > 1 }

    /// The first app server alone (a failure there rolls back), then the rest in batches.
    func switchPhases(fetchOnFirst: Bool, fetchOnRest: Bool, soak: Int, batch: Int) -> [RolloutPhase] {
        guard let first = appServers.first else { return [] }
        var phases = [RolloutPhase(
            "first app server", lanes: [switchLane(first.name, to: instance, fetch: fetchOnFirst, soak: soak)], onFailure: .rollBack)]
        let rest = Array(appServers.dropFirst())
        let size = max(1, batch)
        for start in stride(from: 0, to: rest.count, by: size) {
            let group = rest[start..<min(start + size, rest.count)]
            phases.append(RolloutPhase(
                "app servers \(start + 2) to \(start + 1 + group.count)",
                lanes: group.map { server in
                    var lane = switchLane(server.name, to: instance, fetch: false, soak: Self.laterSoak(soak))
                    if fetchOnRest { lane.steps.insert(.fetch(node: server.name, instance: instance, primary: false), at: 0) }
                    return lane
                }, onFailure: .stop))
        }
        return phases
    }

    /// The later batches' watch: a third of the first app server's, at least a second.
    static func laterSoak(_ soak: Int) -> Int { soak > 0 ? max(1, soak / 3) : 0 }

    /// Drain, switch, back into rotation, (on the first app server) update_fetch there, then
    /// watch the instance take traffic.
    func switchLane(_ node: String, to target: String?, fetch: Bool, soak: Int = 0) -> RolloutLane {
        var steps: [RolloutStep] = drains ? [.drain(node: node)] : []
        steps.append(.activate(node: node, instance: target))
        if drains { steps.append(.ready(node: node, waitUntilUp: target != nil)) }
        if fetch, let target { steps.append(.fetch(node: node, instance: target, primary: true)) }
        if soak > 0, let target { steps.append(.soak(node: node, instance: target, seconds: soak)) }
        return RolloutLane(node: node, steps: steps)
    }

    /// What undoes a run that must roll back, given the steps it started (whether they
    /// finished or failed): every app server that was routed to the new instance goes back
    /// to what it served, drained meanwhile; then an update's new instance is removed
    /// wherever it was uploaded.
    public func rollback(after started: [RolloutStep]) -> [RolloutPhase] {
        if kind == .removal { return removalRollback(after: started) }
        let switched = appServers.filter { server in
            server.serving != instance && started.contains(.activate(node: server.name, instance: instance))
        }
        var phases: [RolloutPhase] = []
        if !switched.isEmpty {
            phases.append(RolloutPhase(
                "switch back", lanes: switched.map { switchLane($0.name, to: $0.serving, fetch: false) }, onFailure: .stop))
        }
        if kind == .update {
            let staged = appServers.filter { server in
                started.contains(.upload(node: server.name, instance: instance)) || started.contains(.install(node: server.name, instance: instance))
            }
            if !staged.isEmpty {
                phases.append(RolloutPhase(
                    "remove \(instance)", lanes: staged.map { RolloutLane(node: $0.name, steps: [.remove(node: $0.name, instance: instance)]) },
                    onFailure: .stop))
            }
        }
        return phases
    }

    /// The run's last call on every node, however it ended: the deploy log, the lock let go,
    /// and after a completed update, old instances removed from the app servers.
    public func closing(completed: Bool, result: String) -> RolloutPhase {
        Self.closing(
            nodes: nodes, lockNode: lockNode, cleaning: completed && kind == .update ? Set(appServers.map(\.name)) : [], result: result)
    }

    /// The same for a run that ended before it had a plan.
    public static func closing(nodes: [String], lockNode: String, cleaning: Set<String> = [], result: String) -> RolloutPhase {
        RolloutPhase(
            "finish", lanes: nodes.map { node in
                RolloutLane(node: node, steps: [.finish(node: node, clean: cleaning.contains(node), releaseLock: node == lockNode, result: result)])
            }, onFailure: .stop)
    }
}
