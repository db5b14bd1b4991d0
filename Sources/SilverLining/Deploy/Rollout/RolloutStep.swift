/// One thing a rollout does to one node. A `RolloutPlan` is made of these; the executor hands
/// each to a `RolloutTransport`, which knows how (rsync, an agent verb, HAProxy's runtime API).
/// Steps name nodes and instances only, so that plans can be compared as values in tests.
public enum RolloutStep: Hashable, Sendable, CustomStringConvertible {
    /// Send the instance's files to the app server (rsync, linked to its newest instance).
    case upload(node: String, instance: String)
    /// Record the uploaded instance, install its packages, start it on a fresh port and wait
    /// for its health check. Nothing routes to it yet.
    case install(node: String, instance: String)
    /// The app's `config.checker`, called with its configuration in the new instance's
    /// environment; an exception fails the step.
    case checkConfig(node: String, instance: String)
    /// Start an instance the app server already has, without routing to it.
    case start(node: String, instance: String)
    /// Take the app server out of the balancer's rotation and wait for its requests to end.
    case drain(node: String)
    /// Route the app to `instance` on the app server (nil: to nothing) and stop the one it
    /// replaces once its requests are done.
    case activate(node: String, instance: String?)
    /// Put the app server back into the balancer's rotation; with `waitUntilUp`, wait until
    /// the balancer's health check sees it serve.
    case ready(node: String, waitUntilUp: Bool)
    /// The app's `update_fetch` entries, run against the app server's new instance: the
    /// primary fetch on the first app server after it switched; with
    /// `update_fetch_everywhere`, a secondary one on each other app server before it switches.
    case fetch(node: String, instance: String, primary: Bool)
    /// Watch the instance for `seconds` after it took traffic: a failed health check or a
    /// restart of its process fails the step.
    case soak(node: String, instance: String, seconds: Int)
    /// Stop and delete an instance that never served.
    case remove(node: String, instance: String)
    /// Rewrite the service settings in the app server's instances (a database's new primary)
    /// and restart the running ones, waiting until they are healthy.
    case reconfigure(node: String)
    /// The run's last call on a node: log it, remove old instances when `clean`, let the
    /// deploy lock go when `releaseLock`.
    case finish(node: String, clean: Bool, releaseLock: Bool, result: String)
    /// Set a drained app server to maintenance in every app's backend: the balancer sends it
    /// nothing and stops checking it, and no drain's expiry puts it back (delete-node).
    case retire(node: String)
    /// Route nothing to any app on the app server and stop every instance it runs.
    case stopInstances(node: String)
    /// setup-node's work for the nodeset without the nodes being deleted, on every remaining
    /// node (topology, /etc/hosts block, firewall, HAProxy's servers, pg_hba) and this
    /// machine's hosts block. The lane is the nodeset's, not one node's.
    case setUpRest(nodeset: String)
    /// Set up again, for the remaining app servers, every app that has data on the service
    /// node: MariaDB's accounts per app-server address, PostgreSQL's pg_hba.
    case grants(node: String)
    /// Destroy the node with its provider (a static server is only forgotten) and remove it
    /// from silver's record of the nodeset.
    case destroy(node: String)

    public var node: String {
        switch self {
        case .upload(let node, _), .install(let node, _), .checkConfig(let node, _), .start(let node, _), .drain(let node),
            .activate(let node, _), .ready(let node, _), .fetch(let node, _, _), .soak(let node, _, _), .remove(let node, _),
            .finish(let node, _, _, _), .retire(let node), .stopInstances(let node), .setUpRest(let node), .grants(let node),
            .destroy(let node), .reconfigure(let node):
            node
        }
    }

    /// Steps that change which instance an app server serves, or whether it gets requests.
    public var isSwitch: Bool {
        switch self {
        case .drain, .activate, .ready, .retire: true
        default: false
        }
    }

    /// Steps that still run when their lane is cut short by a failure or an interruption:
    /// no app server may be left out of the balancer's rotation.
    public var alwaysRuns: Bool {
        if case .ready = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .upload(let node, let instance): "upload \(instance) to \(node)"
        case .install(let node, let instance): "install \(instance) on \(node)"
        case .checkConfig(let node, let instance): "check the configuration with \(instance) on \(node)"
        case .start(let node, let instance): "start \(instance) on \(node)"
        case .drain(let node): "drain \(node)"
        case .activate(let node, let instance): "route \(node) to \(instance ?? "nothing")"
        case .ready(let node, _): "put \(node) back into rotation"
        case .fetch(let node, let instance, let primary): "\(primary ? "" : "secondary ")update_fetch on \(node) (\(instance))"
        case .soak(let node, let instance, let seconds): "watch \(instance) on \(node) for \(seconds) s"
        case .remove(let node, let instance): "remove \(instance) from \(node)"
        case .reconfigure(let node): "restart \(node)'s instances with their new settings"
        case .finish(let node, _, _, _): "finish on \(node)"
        case .retire(let node): "take \(node) out of the balancer"
        case .stopInstances(let node): "stop every instance on \(node)"
        case .setUpRest(let nodeset): "set up the rest of \(nodeset)"
        case .grants(let node): "database access on \(node) for the remaining app servers"
        case .destroy(let node): "destroy \(node)"
        }
    }
}

/// One node's steps within a phase, run in order. A lane stops at its first failing step,
/// then runs its remaining `alwaysRuns` steps.
public struct RolloutLane: Hashable, Sendable {
    public var node: String
    public var steps: [RolloutStep]

    public init(node: String, steps: [RolloutStep]) {
        self.node = node
        self.steps = steps
    }
}

/// Lanes that run at the same time; the next phase starts when all of them have ended.
public struct RolloutPhase: Hashable, Sendable {
    /// What a failure in this phase means for the run.
    public enum OnFailure: Hashable, Sendable {
        /// Put everything the run changed back: no node may serve the new instance.
        case rollBack
        /// Stop here and report: nodes already switched keep serving what they switched to.
        case stop
    }

    public var name: String
    public var lanes: [RolloutLane]
    public var onFailure: OnFailure

    public init(_ name: String, lanes: [RolloutLane], onFailure: OnFailure) {
        self.name = name
        self.lanes = lanes
        self.onFailure = onFailure
    }

    public var steps: [RolloutStep] { lanes.flatMap(\.steps) }
}
