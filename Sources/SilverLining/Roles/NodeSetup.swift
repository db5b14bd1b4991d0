import Foundation

/// `silver setup-node`: brings every node of a nodeset to its role's plan, in parallel, and
/// keeps the nodeset's /etc/hosts block on this machine too when `set_etc_hosts` is on.
/// Running it again on an unchanged nodeset changes nothing and says so.
public struct NodeSetup: Sendable {
    public let session: NodesetSession
    public var dryRun: Bool
    /// The /etc/hosts of the machine running silver (a parameter for tests).
    public var localHostsFile: String
    /// What the nodes are set up for: the nodeset as recorded, unless given (delete-node sets
    /// the rest up for the nodeset without the nodes it deletes).
    public var topology: Topology?

    public init(session: NodesetSession, dryRun: Bool = false, localHostsFile: String = "/etc/hosts", topology: Topology? = nil) {
        self.session = session
        self.dryRun = dryRun
        self.localHostsFile = localHostsFile
        self.topology = topology
    }

    /// What changed (or would change) on each node, by node name.
    @discardableResult
    public func run() async throws -> [String: [String]] {
        let topology = if let topology { topology } else { try await session.topology() }
        let agent = NodeAgent(ssh: session.ssh, binary: try AgentBinary.locate())
        let console = session.console
        let dryRun = dryRun
        let appSecret = try await NodesetSecret(agent: agent, console: console)
            .obtain(appServers: topology.nodes(in: .appserver), parallel: session.parallel, dryRun: dryRun)
        let outcomes = try await forEachOrThrow(topology.nodes, parallel: session.parallel, name: \.name) { node in
            let plan = RolePlans.plan(for: node, topology: topology, appSecret: appSecret)
            let report = try await agent.call(
                "apply", dryRun ? ["--dry-run"] : [], request: plan, on: node.reach, as: ApplyReport.self, console: console)
            if report.changes.isEmpty {
                console.say(dryRun ? "nothing would change" : "no changes", node: node.name)
            } else {
                for change in report.changes { console.say((dryRun ? "would: " : "") + change, node: node.name) }
            }
            return (node.name, report.changes)
        }
        var changes = Dictionary(outcomes, uniquingKeysWith: { first, _ in first })
        if !dryRun {
            let replication = DatabaseReplication(context: ServiceContext(session: session, agent: agent, topology: topology))
            for placement in DatabaseReplication.placements(in: topology) {
                for (node, lines) in try await replication.converge(placement) {
                    for line in lines { console.say(line, node: node) }
                    changes[node, default: []] += lines
                }
            }
        }
        if session.nodeset.setEtcHosts, let change = try updateLocalHosts(topology) {
            console.say((dryRun ? "would: " : "") + change + " on this machine")
            changes["(this machine)"] = [change]
        }
        let changed = topology.nodes.filter { !(changes[$0.name] ?? []).isEmpty }.count
        console.say(
            changed == 0
                ? "\(session.nodeset.name): nothing to change on \(topology.nodes.count) nodes"
                : "\(session.nodeset.name): \(dryRun ? "would change" : "changed") \(changed) of \(topology.nodes.count) nodes")
        return changes
    }

    private func updateLocalHosts(_ topology: Topology) throws -> String? {
        let current = (try? String(contentsOfFile: localHostsFile, encoding: .utf8)) ?? ""
        let updated = topology.hostsBlock.applied(to: current)
        guard updated != current else { return nil }
        if !dryRun {
            do {
                try Data(updated.utf8).write(to: URL(fileURLWithPath: localHostsFile))
            } catch {
                session.console.warn("cannot update \(localHostsFile) (\(error.localizedDescription)); set set_etc_hosts = false or run as root")
                return nil
            }
        }
        return "updated the nodeset's block in \(localHostsFile)"
    }
}
