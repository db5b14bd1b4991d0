/// The nodeset's firewall (`Firewall.rules(for:in:)`) as EC2 security groups: one group per
/// nodeset and role, `silver-NODESET-ROLE`. A rule open to anywhere allows every IPv4 and
/// IPv6 address; a rule open to other roles allows their security groups, so it follows
/// those nodes as they come and go without listing addresses.
public enum EC2Firewall {
    public static func groupName(nodeset: String, role: Role) -> String {
        "silver-\(nodeset)-\(role.topologyKey)"
    }

    public static let anywhereIPv4 = "0.0.0.0/0"
    public static let anywhereIPv6 = "::/0"

    /// The ingress rules `role`'s group must have, with a description for each. A source
    /// role without a group (the nodeset has no such nodes) allows nothing, as the nodes'
    /// own firewall would.
    public static func ingress(for role: Role, in nodeset: Nodeset, groupIDs: [Role: String]) -> [(
        rule: IngressRule, description: String
    )] {
        Firewall.rules(for: role, in: nodeset).flatMap { rule -> [(rule: IngressRule, description: String)] in
            let description = sanitized(rule.purpose)
            switch rule.source {
            case .anywhere:
                return [
                    (IngressRule(port: rule.port, source: .ipv4(anywhereIPv4)), description),
                    (IngressRule(port: rule.port, source: .ipv6(anywhereIPv6)), description),
                ]
            case .roles(let roles):
                return roles.compactMap { source in
                    groupIDs[source].map { (IngressRule(port: rule.port, source: .group($0)), description) }
                }
            }
        }
    }

    /// EC2 accepts only some characters in rule descriptions (letters, digits, spaces and
    /// `._-:/()#,@[]+=&;{}!$*`), at most 255 of them.
    public static func sanitized(_ text: String) -> String {
        let allowed = Set("._-:/()#,@[]+=&;{}!$* ")
        return String(text.filter { ($0.isASCII && ($0.isLetter || $0.isNumber)) || allowed.contains($0) }.prefix(255))
    }
}
