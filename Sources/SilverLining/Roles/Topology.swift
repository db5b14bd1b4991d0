/// Every node of a nodeset with its role and address: what each node is told about the
/// others, as the note's `appserver = app1.foobar.com 10.4.3.2` lines and /etc/hosts entries.
public struct Topology: Sendable {
    public var nodeset: Nodeset
    /// The recorded nodes, in the nodeset's order.
    public var nodes: [NodeRecord]
    /// The recorded primary and fenced nodes of database services with replicas, by service.
    public var databaseRoles: [String: DatabaseRoles]

    public init(nodeset: Nodeset, records: [NodeRecord], databaseRoles: [String: DatabaseRoles] = [:]) {
        self.nodeset = nodeset
        self.databaseRoles = databaseRoles
        let byName = Dictionary(records.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        nodes = nodeset.nodes.compactMap { byName[$0.name] }
    }

    public func addresses(of role: Role) -> [String] {
        nodes.filter { $0.role == role }.map(\.address)
    }

    public func nodes(in role: Role) -> [NodeRecord] {
        nodes.filter { $0.role == role }
    }

    public var balancer: NodeRecord? { nodes(in: .balancer).first }

    /// `/etc/silverlining/nodeset.conf`.
    public var file: String {
        "# The nodeset \(nodeset.name), written by silver setup-node; changes here are replaced.\n"
            + nodes.map { "\($0.role.topologyKey) = \($0.name) \($0.address)\n" }.joined()
    }

    /// The site's host names (the balancer's `hostnames` and the locations' hosts), which
    /// resolve to the balancer, or to the app server when there is no balancer.
    public var siteHostnames: [String] {
        (nodeset.balancerHostnames + nodeset.locations.map(\.hostname)).uniqued()
    }

    /// `prev.HOST` for each location's host: where an app's previous instance answers after
    /// an update, through the balancer like the rest.
    public var previousHostnames: [String] {
        nodeset.locations.map { RouterConfiguration.previousHostname($0.hostname) }.uniqued()
    }

    /// The nodeset's block for /etc/hosts: every node by name, and the site's host names.
    public var hostsBlock: HostsBlock {
        var lines = nodes.map { node in
            let short = node.name.split(separator: ".").first.map(String.init) ?? node.name
            return short == node.name ? "\(node.address) \(node.name)" : "\(node.address) \(node.name) \(short)"
        }
        let front = balancer ?? nodes(in: .appserver).first
        let nodeNames = Set(nodes.map(\.name))
        let sites = (siteHostnames + previousHostnames).uniqued().filter { !nodeNames.contains($0) }
        if let front, !sites.isEmpty {
            lines.append("\(front.address) " + sites.joined(separator: " "))
        }
        return HostsBlock(nodeset: nodeset.name, lines: lines)
    }
}
