import Foundation

/// Turns a merged, interpolated nodeset file into a `Nodeset`: every node named, sized and
/// given its role, and the note's rules checked.
struct NodesetResolver {
    let config: ResolvedConfig
    let file: String
    let environment: [String: String]
    var warnings: [String]

    mutating func resolve() throws(ConfigError) -> Nodeset {
        let top = ConfigLocation(file: file, line: 1)
        let general = SectionReader("general", in: config, fallback: top)
        let name = try nodesetName(general)
        let baseDomain = try general.nonEmptyString("base_domain")
        if let baseDomain, !ValueSyntax.isHostName(baseDomain) {
            throw general.invalid("base_domain", "must be a domain name such as example.com", got: baseDomain)
        }
        let setEtcHosts = try general.bool("set_etc_hosts") ?? true
        let provider = try ProviderResolver.resolve(config, file: file, environment: environment, warnings: &warnings)

        let appserver = SectionReader("appserver", in: config, fallback: top)
        let locations = try self.locations(appserver)
        var nodes: [NodeSpec] = []
        if appserver.exists {
            nodes += try RoleNodes(role: .appserver, reader: appserver, baseDomain: baseDomain).nodes()
        }
        let services = config.sectionOrder.filter { $0.hasPrefix("service:") }.sorted()
        for section in services {
            let role = Role.service(String(section.dropFirst("service:".count)))
            nodes += try RoleNodes(role: role, reader: SectionReader(section, in: config, fallback: top), baseDomain: baseDomain).nodes()
        }

        let balancer = SectionReader("balancer", in: config, fallback: appserver.location(of: "load_balancer"))
        let loadBalancer = try decideLoadBalancer(appserver: appserver, balancer: balancer, appCount: nodes.count { $0.role == .appserver })
        var balancerHostnames: [String] = []
        if loadBalancer {
            if !balancer.exists, baseDomain == nil {
                throw appserver.error("load_balancer", "load balancing needs a balancer node, and nothing names it",
                    hint: "add a [balancer] section with node_name, or set base_domain in [general]")
            }
            let balancerNodes = try RoleNodes(role: .balancer, reader: balancer, baseDomain: baseDomain).nodes()
            if !balancer.exists {
                warnings.append(Diagnostic.warning(appserver.location(of: "load_balancer"), section: "appserver", key: "load_balancer",
                    "load balancing is on but there is no [balancer] section; adding the balancer node \(balancerNodes[0].name)"))
            }
            nodes += balancerNodes
            balancerHostnames = try hostnames(balancer, locations: locations)
        }

        guard !nodes.isEmpty else {
            throw ConfigError(top, section: "appserver", "the nodeset describes no nodes",
                hint: "add an [appserver] section (nodes = 1 is the default)")
        }
        try checkUnique(nodes)
        try checkHosts(nodes, provider: provider, top: top)
        return Nodeset(
            name: name, file: file, baseDomain: baseDomain, setEtcHosts: setEtcHosts, provider: provider, locations: locations,
            loadBalancer: loadBalancer, balancerHostnames: balancerHostnames, nodes: nodes, warnings: warnings)
    }

    /// `[general] name`, or the file's name without `.conf`.
    private func nodesetName(_ general: SectionReader) throws(ConfigError) -> String {
        if let name = try general.nonEmptyString("name") {
            guard ValueSyntax.isSafeIdentifier(name, also: ".") else {
                throw general.invalid("name", "must be letters, digits, '_', '-' and '.'", got: name)
            }
            return name
        }
        var base = (file as NSString).lastPathComponent
        if base.hasSuffix(".conf") { base.removeLast(".conf".count) }
        guard ValueSyntax.isSafeIdentifier(base, also: ".") else {
            throw general.error("name", "the file's name \(ValueSyntax.quoted(base)) cannot name the nodeset",
                hint: "set name in [general] (letters, digits, '_', '-' and '.')")
        }
        return base
    }

    /// `locations`: one `URL APP_NAME` per line.
    private func locations(_ appserver: SectionReader) throws(ConfigError) -> [Location] {
        guard let lines = try appserver.lines("locations") else { return [] }
        var locations: [Location] = []
        var seen: [String: Int] = [:]
        for line in lines {
            let words = line.text.split(whereSeparator: \.isWhitespace).map(String.init)
            guard words.count == 2 else {
                throw appserver.invalid("locations", "each line must be \"URL APP_NAME\"", got: line.text,
                    hint: "one location per line, e.g. http://example.com/ blog", at: line.location)
            }
            let location = Location(url: words[0], appName: words[1])
            let scheme = location.url.contains("://") ? location.scheme : "http"
            guard scheme == "http" || scheme == "https", ValueSyntax.isHostName(location.hostname) else {
                throw appserver.invalid("locations", "the URL must be http:// or https:// and a host name", got: words[0], at: line.location)
            }
            guard ValueSyntax.isSafeIdentifier(location.appName) else {
                throw appserver.invalid("locations", "the app name must be letters, digits, '_' and '-'", got: location.appName,
                    at: line.location)
            }
            if let earlier = seen[location.url] {
                throw appserver.error("locations", "\(location.url) is listed twice (also on line \(earlier))", at: line.location)
            }
            seen[location.url] = line.location.line ?? 0
            locations.append(location)
        }
        return locations
    }

    /// The note's rule: given, or on when there is more than one app server or a
    /// `[balancer]` section.
    private func decideLoadBalancer(appserver: SectionReader, balancer: SectionReader, appCount: Int) throws(ConfigError) -> Bool {
        let given = try appserver.bool("load_balancer")
        if balancer.exists, appCount == 0 {
            throw balancer.error(nil, "a balancer needs app servers behind it", hint: "add an [appserver] section")
        }
        if given == false, appCount > 1 {
            throw appserver.error("load_balancer", "is false, but there are \(appCount) app server nodes",
                hint: "several app servers need a balancer: set load_balancer = true, or nodes = 1")
        }
        if given == false, balancer.exists {
            throw appserver.error("load_balancer", "is false, but there is a [balancer] section",
                hint: "remove the [balancer] section, or load_balancer = false")
        }
        return given ?? (appCount > 1 || balancer.exists)
    }

    /// `hostnames`, or else the hosts of the locations: what the balancer answers for.
    private func hostnames(_ balancer: SectionReader, locations: [Location]) throws(ConfigError) -> [String] {
        guard let words = try balancer.words("hostnames") else {
            var seen = Set<String>()
            return locations.map(\.hostname).filter { seen.insert($0).inserted }
        }
        for (word, location) in words where !ValueSyntax.isHostName(word) {
            throw balancer.invalid("hostnames", "must be host names", got: word, at: location)
        }
        return words.map(\.0)
    }

    private func checkUnique(_ nodes: [NodeSpec]) throws(ConfigError) {
        var seen: [String: NodeSpec] = [:]
        for node in nodes {
            if let first = seen[node.name] {
                let reader = SectionReader(node.role.sectionName, in: config, fallback: ConfigLocation(file: file, line: 1))
                let hint = first.role == node.role ? "put {{n}} in node_name so each node gets its own name" : "give the roles different node_name values"
                throw reader.error("node_name", "the name \(node.name) is given to two nodes (\(first.role) node \(first.index) and \(node.role) node \(node.index))",
                    hint: hint)
            }
            seen[node.name] = node
        }
    }

    /// `hosts` lists servers that already exist, so it belongs with `provider = static`,
    /// which needs it for every role.
    private func checkHosts(_ nodes: [NodeSpec], provider: ProviderSettings, top: ConfigLocation) throws(ConfigError) {
        for node in nodes {
            let reader = SectionReader(node.role.sectionName, in: config, fallback: top)
            if provider.kind == "static", node.staticAddress == nil {
                throw reader.error("hosts", "provider static makes no nodes, so [\(node.role.sectionName)] must list their addresses",
                    hint: "hosts = ADDRESS or NAME=ADDRESS, one per node")
            }
            if provider.kind != "static", node.staticAddress != nil {
                throw reader.error("hosts", "is only used with provider = static (the provider here is \(provider.kind))",
                    hint: "remove hosts, or set provider = static in [provider]")
            }
        }
    }
}
