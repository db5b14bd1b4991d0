import Foundation
import Synchronization

/// delete-node's steps as silver performs them on real nodes: the balancer's runtime API for
/// drain, retire and ready (in every app's backend), the agent on the app server for its
/// instances, setup-node's own work and the services' own setup for the nodes that stay, and
/// the provider for destroying. A node being deleted that no longer answers is deleted
/// anyway, with a warning.
struct RemovalTransport: RolloutTransport {
    var session: NodesetSession
    var agent: NodeAgent
    /// The nodes being deleted.
    var targets: [NodeRecord]
    /// The balancer the app servers leave, even if it is being deleted too.
    var balancer: NodeRecord?
    /// The nodeset once they are gone: what the nodes that stay are set up for.
    var remaining: Topology
    /// How long a drain waits for the server's requests to finish before taking it out anyway.
    var drainTimeoutSeconds: Int
    var lock: LockHolder?
    var log: DeployLogEntry
    var localHostsFile: String
    let drains = DrainRenewals(every: .seconds(5))
    /// Each drain as it went, for the run's report.
    let drained = DrainLog()

    var console: Console { session.console }
    var balancerControl: BalancerControl { BalancerControl(agent: agent, balancer: balancer, drainExpirySeconds: 15) }

    func record(_ name: String) throws -> NodeRecord {
        guard let record = (targets + remaining.nodes).first(where: { $0.name == name }) else {
            throw DeployError.noSuchNode(name, nodeset: session.nodeset.name)
        }
        return record
    }

    func perform(_ step: RolloutStep) async throws {
        switch step {
        case .drain(let node):
            try await drain(node)
        case .retire(let node):
            await drains.end(node)
            guard try await !balancerControl.entries(of: node).isEmpty else { return }
            _ = try await balancerControl.set(node, app: nil, .maint)
            console.say("out of the balancer", node: node)
        case .ready(let node, let waitUntilUp):
            await drains.end(node)
            guard try await !balancerControl.entries(of: node).isEmpty else { return }
            _ = try await balancerControl.set(node, app: nil, .ready, upTimeoutSeconds: waitUntilUp ? 10 : 0)
            console.say("back into rotation", node: node)
        case .stopInstances(let node):
            try await stopInstances(on: try record(node))
        case .setUpRest:
            try await NodeSetup(session: session, localHostsFile: localHostsFile, topology: remaining).run()
        case .grants(let node):
            try await grants(on: try record(node))
        case .destroy(let node):
            try await NodeDestruction(session: session, localHostsFile: localHostsFile).run(names: [node])
        case .finish(let node, _, let releaseLock, let result):
            try await AgentTransport.finish(
                try record(node).reach, agent: agent, log: log, result: result, clean: nil, release: releaseLock ? lock : nil)
        case .upload, .install, .checkConfig, .start, .activate, .fetch, .soak, .remove, .reconfigure:
            throw DeployError.notARolloutStep(step.description)
        }
    }

    /// Drains the server in every app's backend and waits, up to the drain timeout, for the
    /// requests it is serving to finish. A server the balancer no longer names (an earlier
    /// run got further) has nothing to drain.
    func drain(_ node: String) async throws {
        guard balancer != nil else { return }
        guard try await !balancerControl.entries(of: node).isEmpty else {
            console.say("not in the balancer; nothing to drain", node: node)
            return
        }
        let clock = ContinuousClock()
        let start = clock.now
        let control = balancerControl
        let answer = try await control.set(node, app: nil, .drain, idleTimeoutSeconds: drainTimeoutSeconds)
        let took = start.duration(to: clock.now)
        drains.keep(node) { _ = try await control.set(node, app: nil, .drain, idleTimeoutSeconds: 0) }
        drained.add(DrainLog.Drain(node: node, took: took, requestsLeft: answer.sessions))
        if answer.sessions > 0 {
            console.warn("\(node) still had \(answer.sessions) requests in flight after \(drainTimeoutSeconds) s (--drain-timeout); taking it out anyway")
        } else {
            console.say("drained in \(seconds(took))", node: node)
        }
    }

    /// Routes nothing to each app the app server serves and stops its instances, as
    /// `activate` does for one app. A server that no longer answers has nothing to stop that
    /// anyone could reach: it is deleted anyway.
    func stopInstances(on node: NodeRecord) async throws {
        guard TCPProbe.isOpen(address: node.address, port: 22, timeout: .seconds(2)) else {
            console.warn("\(node.name) (\(node.address)) does not answer on SSH; deleting it anyway")
            return
        }
        let query = try await agent.call("query", request: QueryRequest(app: nil, checkHealth: false), on: node.reach, as: NodeQuery.self)
        for app in query.apps where app.active != nil {
            _ = try await agent.call(
                "activate", request: ActivateRequest(app: app.app, instance: nil, host: "localhost"), on: node.reach, as: ActivateAnswer.self,
                console: console)
            console.say("stopped \(app.app) (\(app.active ?? ""))", node: node.name)
        }
    }

    /// Sets every app with data on the database node up again for the remaining app
    /// servers: the service's own setup, which grants access to exactly those addresses.
    func grants(on node: NodeRecord) async throws {
        guard let kind = node.role.serviceName.flatMap(ServiceKind.init(rawValue:)), kind.isDatabase else { return }
        guard !remaining.nodes(in: .appserver).isEmpty else {
            console.warn("no app server is left, so no app keeps access to \(node.name)")
            return
        }
        let context = ServiceContext(session: session, agent: agent, topology: remaining)
        let placement = ServicePlacement(kind: kind, nodes: [node], isLocal: false)
        let service = ServiceCatalog.service(for: kind)
        for app in try await ServiceData.apps(on: node, kind: kind, context: context) {
            _ = try await service.setUp(app: app, placement: placement, context: context)
            console.say("\(kind.rawValue): \(app) reachable from the \(remaining.nodes(in: .appserver).count) remaining app server(s)", node: node.name)
        }
    }
}

/// How each drain of a delete-node run went.
final class DrainLog: Sendable {
    struct Drain: Sendable {
        var node: String
        var took: Duration
        /// Requests still in flight when the drain timeout ended the wait.
        var requestsLeft: Int
    }

    private let entries = Mutex<[Drain]>([])

    func add(_ drain: Drain) { entries.withLock { $0.append(drain) } }

    var all: [Drain] { entries.withLock { $0 } }
}
