/// Which TCP ports each role opens, and to whom. `setup-node` renders this as nftables
/// rules on every node; cloud providers render the same rules as security groups, so the
/// two never disagree.
public struct FirewallRule: Hashable, Sendable {
    public enum Source: Hashable, Sendable {
        case anywhere
        /// Only the addresses of the nodes with these roles.
        case roles([Role])
    }

    public var port: Int
    public var source: Source
    /// Why the port is open, for comments in the rendered rules.
    public var purpose: String

    public init(port: Int, source: Source, purpose: String) {
        self.port = port
        self.source = source
        self.purpose = purpose
    }
}

public enum Firewall {
    public static let ssh = 22
    public static let http = 80
    public static let https = 443

    public static func rules(for role: Role, in nodeset: Nodeset) -> [FirewallRule] {
        var rules = [FirewallRule(port: ssh, source: .anywhere, purpose: "ssh")]
        switch role {
        case .appserver:
            let source: FirewallRule.Source = nodeset.balancer == nil ? .anywhere : .roles([.balancer])
            rules.append(FirewallRule(port: http, source: source, purpose: "nginx, the app server's router"))
        case .service(let name):
            if let port = ServiceKind(rawValue: name)?.port {
                // With replicas, the service's nodes replicate from each other on the same port.
                let peers: [Role] = nodeset.nodes(in: role).count > 1 ? [role] : []
                rules.append(FirewallRule(port: port, source: .roles([.appserver] + peers), purpose: name))
            }
        case .balancer:
            rules.append(FirewallRule(port: http, source: .anywhere, purpose: "haproxy http"))
            rules.append(FirewallRule(port: https, source: .anywhere, purpose: "haproxy https"))
        }
        return rules
    }
}
