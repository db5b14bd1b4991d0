import Foundation

/// `silver delete-node NODESET [NODE...]`: takes nodes out of a nodeset that keeps serving.
/// Without names, the recorded nodes the nodeset no longer describes (its `nodes` was
/// lowered), the highest-numbered app servers first. What happens is a `RolloutPlan.removal`
/// run by the rollout's executor; `preview` computes it and every refusal without changing
/// anything, which is what `--dry-run` prints.
public struct NodeDeletion: Sendable {
    public let session: NodesetSession
    /// Deletes the last app server, or a database node holding apps' data, which are refused otherwise.
    public var force = false
    public var drainTimeoutSeconds = NodeDeletion.defaultDrainTimeout
    public var forceUnlock = false
    public var localHostsFile: String

    public static let defaultDrainTimeout = 30

    public init(session: NodesetSession, localHostsFile: String = "/etc/hosts") {
        self.session = session
        self.localHostsFile = localHostsFile
    }

    /// What a run would do.
    public struct Preview: Sendable {
        /// The nodes to delete, in the order they go.
        public var targets: [NodeRecord]
        /// Whether they were named, rather than found by what the nodeset no longer describes.
        public var named: Bool
        public var plan: RolloutPlan
        /// The nodeset once they are gone.
        public var remaining: Topology
        /// The balancer the app servers leave (it may itself be among the targets).
        public var balancer: NodeRecord?
        /// What the user should know before saying yes: a target that does not answer, what
        /// `--force` lets go.
        public var notes: [String]
    }

    public struct Report: Sendable {
        public var deleted: [String]
        /// How long each app server's drain took, and requests it still had when it ended.
        public var drains: [(node: String, took: Duration, requestsLeft: Int)]
    }

    public func preview(names: [String]) async throws -> Preview {
        let nodeset = session.nodeset
        let targets = Self.ordered(names.isEmpty ? await strays() : try await session.existingRecords(named: names))
        let leaving = Set(targets.map(\.name))
        var rest = nodeset
        rest.nodes.removeAll { leaving.contains($0.name) }
        for target in targets where nodeset.node(named: target.name) != nil {
            session.console.warn(
                "\(target.name) is still described by \(nodeset.file): the next create-node makes it again unless you lower `nodes` "
                    + "in [\(target.role.sectionName)] (or remove the section)")
        }
        let remaining = try await session.topology(of: rest, excluding: leaving)
        let balancer = await session.records().first { $0.role == .balancer }
        let answering = await forEach(targets, parallel: session.parallel) { TCPProbe.isOpen(address: $0.address, port: 22, timeout: .seconds(2)) }
        let reachable = Set(zip(targets, answering).filter { (try? $0.1.get()) == true }.map(\.0.name))
        var notes = try Self.refusals(targets: targets, remaining: remaining, reachable: reachable, force: force)
        notes += try await dataChecks(targets.filter { reachable.contains($0.name) })
        let appServers = targets.filter { $0.role == .appserver }
        let databases = remaining.nodes.filter { node in node.role.serviceName.flatMap(ServiceKind.init(rawValue:))?.isDatabase == true }
        let plan = RolloutPlan.removal(
            nodeset: nodeset.name, appServers: appServers.map(\.name), others: targets.filter { $0.role != .appserver }.map(\.name),
            balanced: balancer != nil, serviceNodes: databases.map(\.name), remaining: remaining.nodes.map(\.name),
            lockNode: remaining.nodes(in: .appserver).first?.name)
        return Preview(targets: targets, named: !names.isEmpty, plan: plan, remaining: remaining, balancer: balancer, notes: notes)
    }

    /// What needs `--force`, and what the user should hear before saying yes: the last app
    /// server going, a service node whose data cannot be checked, an app server that does not
    /// answer.
    static func refusals(targets: [NodeRecord], remaining: Topology, reachable: Set<String>, force: Bool) throws -> [String] {
        let nodeset = remaining.nodeset
        var notes: [String] = []
        if let last = targets.last(where: { $0.role == .appserver }), remaining.nodes(in: .appserver).isEmpty {
            guard force else { throw DeletionError.lastAppServer(last.name, nodeset: nodeset.name) }
            notes.append("no app server is left: every app of \(nodeset.name) goes offline (--force)")
        }
        for target in targets where !reachable.contains(target.name) {
            guard target.role.serviceName == nil || force else { throw DeletionError.serviceUnreachable(target.name, address: target.address) }
            notes.append("\(target.name) (\(target.address)) does not answer on SSH; it is deleted anyway")
        }
        return notes
    }

    /// Recorded nodes the nodeset no longer describes.
    func strays() async -> [NodeRecord] {
        await session.records().filter { session.nodeset.node(named: $0.name) == nil }
    }

    /// Refuses a database node that holds apps' data unless `force`; with it, says whose
    /// data goes. An unreachable one was dealt with before.
    func dataChecks(_ targets: [NodeRecord]) async throws -> [String] {
        var notes: [String] = []
        let context = ServiceContext(
            session: session, agent: NodeAgent(ssh: session.ssh, binary: try AgentBinary.locate()),
            topology: Topology(nodeset: session.nodeset, records: []))
        for target in targets {
            guard let kind = target.role.serviceName.flatMap(ServiceKind.init(rawValue:)), kind.isDatabase,
                TCPProbe.isOpen(address: target.address, port: 22, timeout: .seconds(2))
            else { continue }
            let apps = try await ServiceData.apps(on: target, kind: kind, context: context)
            guard !apps.isEmpty else { continue }
            guard force else { throw DeletionError.holdsData(target.name, kind: kind, apps: apps, nodesetFile: session.nodeset.file) }
            notes.append("\(target.name) holds \(kind.rawValue) data of \(apps.joined(separator: ", ")), which is deleted with it (--force)")
        }
        return notes
    }

    /// App servers first, the highest-numbered first (`app3` before `app2`), then the
    /// service nodes, then the balancer.
    static func ordered(_ records: [NodeRecord]) -> [NodeRecord] {
        func number(_ name: String) -> Int {
            let label = name.split(separator: ".").first ?? ""
            return Int(String(label.reversed().prefix { $0.isNumber }.reversed())) ?? 0
        }
        return records.sorted { ($0.role, number($1.name), $1.name) < ($1.role, number($0.name), $0.name) }
    }

    /// Runs the plan: the deploy lock on the first remaining app server, then the removal.
    @discardableResult
    public func run(_ preview: Preview) async throws -> Report {
        let agent = NodeAgent(ssh: session.ssh, binary: try AgentBinary.locate())
        let names = preview.targets.map(\.name)
        var lock: NodesetLock?
        if let lockNode = preview.remaining.nodes(in: .appserver).first {
            let taken = NodesetLock(agent: agent, node: lockNode.reach, doing: "delete-node " + names.joined(separator: " "))
            let first = try await taken.call(.acquire)
            if !first.done { try await taken.acquire(after: first, force: forceUnlock, wait: .zero, console: session.console) }
            lock = taken
        }
        let transport = RemovalTransport(
            session: session, agent: agent, targets: preview.targets, balancer: preview.balancer, remaining: preview.remaining,
            drainTimeoutSeconds: drainTimeoutSeconds, lock: lock?.holder,
            log: DeployLogEntry(who: lock?.holder.who ?? "", when: 0, app: "-", instance: "delete-node", nodes: names, result: ""),
            localHostsFile: localHostsFile)
        let outcome = await RolloutExecutor(transport: transport, parallel: session.parallel).run(preview.plan)
        let again = { (left: [String]) in "silver delete-node \(session.nodeset.file)" + (preview.named ? " " + left.joined(separator: " ") : "") }
        switch outcome.ending {
        case .completed:
            session.console.say("\(session.nodeset.name): deleted \(names.joined(separator: ", "))")
            return Report(deleted: names, drains: transport.drained.all.map { ($0.node, $0.took, $0.requestsLeft) })
        case .rolledBack(_, let node, let failure, let restored):
            throw DeletionError.rolledBack(
                node: node, reason: failure.description, restored: restored, outOfService: RolloutPlan.retired(by: outcome.started),
                again: again(names))
        case .stopped(_, let node, let failure):
            let destroyed = outcome.journal.compactMap { entry -> String? in
                guard case .destroy(let name) = entry.step, entry.error == nil else { return nil }
                return name
            }
            let left = names.filter { !destroyed.contains($0) }
            throw DeletionError.stopped(node: node, reason: failure.description, deleted: destroyed, left: left, again: again(left))
        }
    }
}
