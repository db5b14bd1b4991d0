/// One thing a rollout does to one node. A `RolloutPlan` is made of these; the executor hands
/// each to a `RolloutTransport`, which knows how (rsync, an agent verb, HAProxy's runtime API).
/// Steps name nodes and instances only, so that plans can be compared as values in tests.
public enum RolloutStep: Hashable, Sendable, CustomStringConvertible {
    /// Send the instance's files to the app server (rsync, linked to its newest instance).
    case upload(node: String, instance: String)
    /// Record the uploaded instance, install its packages, start it on a fresh port and wait
    /// for its health check. Nothing routes to it yet.
    case install(node: String, instance: String)
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
    /// The app's `update_fetch` entries, run against the app server's new instance.
    case fetch(node: String, instance: String)
    /// Stop and delete an instance that never served.
    case remove(node: String, instance: String)
    /// Rewrite the service settings in the app server's instances (a database's new primary)
    /// and restart the running ones, waiting until they are healthy.
    case reconfigure(node: String)
    /// The run's last call on a node: log it, remove old instances when `clean`, let the
    /// deploy lock go when `releaseLock`.
    case finish(node: String, clean: Bool, releaseLock: Bool, result: String)

    public var node: String {
        switch self {
        case .upload(let node, _), .install(let node, _), .start(let node, _), .drain(let node), .activate(let node, _),
            .ready(let node, _), .fetch(let node, _), .remove(let node, _), .reconfigure(let node), .finish(let node, _, _, _):
            node
        }
    }

    /// Steps that change which instance an app server serves, or whether it gets requests.
    public var isSwitch: Bool {
        switch self {
        case .drain, .activate, .ready: true
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
        case .start(let node, let instance): "start \(instance) on \(node)"
        case .drain(let node): "drain \(node)"
        case .activate(let node, let instance): "route \(node) to \(instance ?? "nothing")"
        case .ready(let node, _): "put \(node) back into rotation"
        case .fetch(let node, let instance): "update_fetch on \(node) (\(instance))"
        case .remove(let node, let instance): "remove \(instance) from \(node)"
        case .reconfigure(let node): "restart \(node)'s instances with their new settings"
        case .finish(let node, _, _, _): "finish on \(node)"
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
