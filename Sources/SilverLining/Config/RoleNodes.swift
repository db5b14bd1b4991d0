/// The nodes one role section asks for: how many, their names, sizes, images and, for
/// `provider = static`, their addresses.
struct RoleNodes {
    /// More nodes than this in one role is a typo, and would make `show` print forever.
    static let maximumNodes = 1000

    let role: Role
    let reader: SectionReader
    let baseDomain: String?

    /// One `hosts` entry: `ADDRESS` or `NAME=ADDRESS`.
    struct Host {
        var name: String?
        var address: String
    }

    func hosts() throws(ConfigError) -> [Host]? {
        guard let words = try reader.words("hosts") else { return nil }
        var hosts: [Host] = []
        for (word, location) in words {
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let host = parts.count == 2 ? Host(name: parts[0], address: parts[1]) : Host(name: nil, address: word)
            if let name = host.name, !ValueSyntax.isHostName(name) {
                throw reader.invalid("hosts", "NAME in NAME=ADDRESS must be a valid host name", got: name, at: location)
            }
            guard ValueSyntax.isAddress(host.address) else {
                throw reader.invalid("hosts", "entries are ADDRESS or NAME=ADDRESS, with an IP address or host name", got: word, at: location)
            }
            hosts.append(host)
        }
        guard !hosts.isEmpty else { throw reader.error("hosts", "is empty", hint: "list one ADDRESS or NAME=ADDRESS per node") }
        return hosts
    }

    /// `nodes`, or the number of `hosts`, or 1. The balancer is always one node.
    func count(hosts: [Host]?) throws(ConfigError) -> Int {
        let nodes = try reader.positiveInt("nodes", maximum: RoleNodes.maximumNodes)
        if let nodes, let hosts, nodes != hosts.count {
            throw reader.error("nodes", "is \(nodes), but hosts lists \(hosts.count) address\(hosts.count == 1 ? "" : "es")",
                hint: "give one hosts entry per node, or leave nodes out")
        }
        if role == .balancer, let hosts, hosts.count != 1 {
            throw reader.error("hosts", "lists \(hosts.count) addresses; there is one balancer node")
        }
        return nodes ?? hosts?.count ?? 1
    }

    func nodes() throws(ConfigError) -> [NodeSpec] {
        let hosts = try hosts()
        let count = try count(hosts: hosts)
        let size = try reader.size("size")
        let nameTemplate = try reader.nonEmptyString("node_name", allowNodeTemplates: true)
        let imageTemplate = try reader.nonEmptyString("image", allowNodeTemplates: true)
        var nodes: [NodeSpec] = []
        for index in 1...count {
            let host = hosts?[index - 1]
            var values = ["n": String(index), "role": role.namePrefix]
            values["base_domain"] = baseDomain
            let noBase = "there is no base_domain in [general]"
            var name = host?.name ?? ""
            if host?.name == nil {
                name = try nodeName(index: index, count: count, template: nameTemplate, values: values, noBase: noBase)
            }
            values["name"] = name
            var image: String?
            if let imageTemplate {
                image = try NodeTemplate.fill(imageTemplate, values: values, unavailable: ["base_domain": noBase], reader: reader,
                    key: "image", at: reader.location(of: "image"))
            }
            var spec = NodeSpec(name: name, role: role, index: index, size: size, staticAddress: host?.address, image: image)
            if host?.name == nil, nameTemplate == nil, let baseDomain {
                spec.formerName = Self.formerServiceName(role: role, index: index, count: count, baseDomain: baseDomain)
            }
            nodes.append(spec)
        }
        return nodes
    }

    /// From `node_name`, else `app{{n}}.BASE` for app servers, the design note's `NAME.BASE`
    /// for a lone service node (`mysql.foobar.com`) and `NAME{{n}}.BASE` for several, or
    /// `balancer.BASE` for the balancer.
    private func nodeName(index: Int, count: Int, template: String?, values: [String: String], noBase: String) throws(ConfigError) -> String {
        let name: String
        if let template {
            name = try NodeTemplate.fill(template, values: values,
                unavailable: ["base_domain": noBase, "name": "node_name is what makes the name"],
                reader: reader, key: "node_name", at: reader.location(of: "node_name"))
        } else if let baseDomain {
            switch role {
            case .balancer: name = "balancer.\(baseDomain)"
            case .service where count == 1: name = "\(role.namePrefix).\(baseDomain)"
            default: name = "\(role.namePrefix)\(index).\(baseDomain)"
            }
        } else {
            throw reader.error("node_name", "no name for the \(role) nodes: neither node_name nor [general] base_domain is set",
                hint: "set node_name = \(role == .balancer ? "balancer" : role.namePrefix + "{{n}}").example.com here, or base_domain = example.com in [general]")
        }
        guard ValueSyntax.isHostName(name) else {
            throw reader.invalid("node_name", "must make valid host names (letters, digits, '-' and '.')", got: name)
        }
        return name
    }

    /// The other default name the first service node can have had: `mysql1.BASE` for a lone
    /// node (silver's name before it followed the note), `mysql.BASE` for the first of several
    /// (the name it had while it was alone). A node recorded under it keeps it.
    static func formerServiceName(role: Role, index: Int, count: Int, baseDomain: String) -> String? {
        guard case .service = role, index == 1 else { return nil }
        return count == 1 ? "\(role.namePrefix)1.\(baseDomain)" : "\(role.namePrefix).\(baseDomain)"
    }
}
