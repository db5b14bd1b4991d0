/// The firewall policy for one node, as an nftables script. Only silver's own table is
/// replaced, so rules other software keeps in other tables survive.
public enum NftablesRuleset {
    public static let path = "/etc/nftables.conf"

    public static func render(for node: NodeRecord, topology: Topology) -> String {
        var rules: [String] = []
        for rule in Firewall.rules(for: node.role, in: topology.nodeset) {
            switch rule.source {
            case .anywhere:
                rules.append("tcp dport \(rule.port) accept comment \"\(rule.purpose)\"")
            case .roles(let roles):
                let addresses = roles.flatMap { topology.addresses(of: $0) }
                guard !addresses.isEmpty else { continue }
                rules.append("ip saddr { \(addresses.joined(separator: ", ")) } tcp dport \(rule.port) accept comment \"\(rule.purpose)\"")
            }
        }
        return """
            #!/usr/sbin/nft -f
            # Written by silver setup-node for \(node.name) (\(node.role.topologyKey)); changes here are replaced.
            table inet silverlining
            delete table inet silverlining
            table inet silverlining {
                chain input {
                    type filter hook input priority filter; policy drop;
                    ct state established,related accept
                    ct state invalid drop
                    iif "lo" accept
                    meta l4proto { icmp, ipv6-icmp } accept
            \(rules.map { "        " + $0 }.joined(separator: "\n"))
                    # Refuse rather than drop, so a client is told at once instead of timing out.
                    meta l4proto tcp reject with tcp reset
                    reject
                }
            }

            """
    }
}
