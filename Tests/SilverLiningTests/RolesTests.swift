import Testing

@testable import SilverLining

@Suite struct TopologyTests {
    let topology = SampleNodesets.foobarTopology

    @Test("the topology file lists every recorded node in the nodeset's order, as the note writes it")
    func file() {
        #expect(topology.file == """
            # The nodeset foobar, written by silver setup-node; changes here are replaced.
            appserver = app1.foobar.com 10.0.0.2
            appserver = app2.foobar.com 10.0.0.3
            service.mysql = mysql1.foobar.com 10.0.0.4
            service.postgresql = postgresql1.foobar.com 10.0.0.5
            balancer = balancer.foobar.com 10.0.0.6

            """)
    }

    @Test("records the nodeset no longer names are left out, and so are nodes not created yet")
    func onlyCurrentNodes() {
        var records = SampleNodesets.foobarRecords.filter { $0.name != "app2.foobar.com" }
        records.append(NodeRecord(name: "app9.foobar.com", role: .appserver, address: "10.0.0.99", providerID: "old"))
        let partial = Topology(nodeset: SampleNodesets.foobar, records: records)
        #expect(partial.nodes.map(\.name) == ["app1.foobar.com", "mysql1.foobar.com", "postgresql1.foobar.com", "balancer.foobar.com"])
        #expect(partial.addresses(of: .appserver) == ["10.0.0.2"])
    }

    @Test("the hosts block names every node, long and short, and points the site's host names (and their prev. names) at the balancer")
    func hostsBlockWithBalancer() {
        #expect(topology.siteHostnames == ["foobar.com", "www.foobar.com", "static.foobar.com"])
        #expect(topology.hostsBlock == HostsBlock(nodeset: "foobar", lines: [
            "10.0.0.2 app1.foobar.com app1",
            "10.0.0.3 app2.foobar.com app2",
            "10.0.0.4 mysql1.foobar.com mysql1",
            "10.0.0.5 postgresql1.foobar.com postgresql1",
            "10.0.0.6 balancer.foobar.com balancer",
            "10.0.0.6 foobar.com www.foobar.com static.foobar.com prev.foobar.com prev.www.foobar.com",
        ]))
    }

    @Test("without a balancer the site's host names go to the first app server")
    func hostsBlockWithoutBalancer() {
        #expect(SampleNodesets.singleTopology.hostsBlock == HostsBlock(nodeset: "single", lines: [
            "10.1.0.2 web",
            "10.1.0.2 single.example prev.single.example",
        ]))
        var nodeset = SampleNodesets.foobar
        nodeset.nodes.removeAll { $0.role == .balancer }
        let topology = Topology(nodeset: nodeset, records: SampleNodesets.foobarRecords)
        #expect(topology.hostsBlock.lines.last == "10.0.0.2 foobar.com www.foobar.com static.foobar.com prev.foobar.com prev.www.foobar.com")
    }

    @Test("a site host name that is also a node's name is not sent elsewhere (its prev. name is); no sites, no site line")
    func siteNamedLikeANode() {
        var nodeset = SampleNodesets.single
        nodeset.locations = [Location(url: "http://web/", appName: "blog")]
        let topology = Topology(nodeset: nodeset, records: SampleNodesets.singleTopology.nodes)
        #expect(topology.hostsBlock.lines == ["10.1.0.2 web", "10.1.0.2 prev.web"])
        nodeset.locations = []
        #expect(Topology(nodeset: nodeset, records: SampleNodesets.singleTopology.nodes).hostsBlock.lines == ["10.1.0.2 web"])
    }
}

@Suite struct NftablesRulesetTests {
    static let cases: [(golden: String, topology: Topology, node: String)] = [
        ("firewall/appserver.nft", SampleNodesets.foobarTopology, "app1.foobar.com"),
        ("firewall/appserver-without-balancer.nft", SampleNodesets.singleTopology, "web"),
        ("firewall/mysql.nft", SampleNodesets.foobarTopology, "mysql1.foobar.com"),
        ("firewall/postgresql.nft", SampleNodesets.foobarTopology, "postgresql1.foobar.com"),
        ("firewall/balancer.nft", SampleNodesets.foobarTopology, "balancer.foobar.com"),
    ]

    static func render(_ name: String) throws -> String {
        let example = try #require(cases.first { $0.golden == name })
        return NftablesRuleset.render(for: SampleNodesets.record(example.topology, example.node), topology: example.topology)
    }

    @Test("each role's rules match their reviewed golden", arguments: cases.map(\.golden))
    func golden(name: String) throws {
        try Golden.expect(try Self.render(name), matches: name)
    }

    @Test(
        "nft accepts each role's rules",
        .enabled("nft -c cannot run here (it needs root, a network namespace and nf_tables)") { await ExternalCheck.nftUsable() },
        arguments: cases.map(\.golden))
    func nftAccepts(name: String) async throws {
        let result = try await ExternalCheck.nft(try Self.render(name))
        #expect(result.succeeded, "nft -c: \(result.errorText)")
    }

    @Test(
        "the nft check itself rejects broken rules",
        .enabled("nft -c cannot run here (it needs root, a network namespace and nf_tables)") { await ExternalCheck.nftUsable() })
    func nftRejects() async throws {
        let broken = try Self.render("firewall/mysql.nft").replacingOccurrences(of: "tcp dport 3306", with: "tcp dport mysqlport")
        #expect(!(try await ExternalCheck.nft(broken)).succeeded)
    }

    @Test("ports open only to the roles that need them")
    func whoMayConnect() {
        let topology = SampleNodesets.foobarTopology
        func rules(_ node: String) -> String { NftablesRuleset.render(for: SampleNodesets.record(topology, node), topology: topology) }
        #expect(rules("mysql1.foobar.com").contains("ip saddr { 10.0.0.2, 10.0.0.3 } tcp dport 3306 accept"))
        #expect(rules("postgresql1.foobar.com").contains("ip saddr { 10.0.0.2, 10.0.0.3 } tcp dport 5432 accept"))
        #expect(rules("app1.foobar.com").contains("ip saddr { 10.0.0.6 } tcp dport 80 accept"))
        #expect(!rules("app1.foobar.com").contains("\n        tcp dport 80 "), "not open to all with a balancer")
        #expect(!rules("mysql1.foobar.com").contains("dport 80"))
        #expect(!rules("balancer.foobar.com").contains("saddr"))
        for node in topology.nodes { #expect(rules(node.name).contains("tcp dport 22 accept"), "\(node.name) keeps ssh") }
    }

    @Test("a role whose peers do not exist yet opens nothing to them rather than an empty set")
    func noPeersYet() {
        let topology = Topology(
            nodeset: SampleNodesets.foobar, records: SampleNodesets.foobarRecords.filter { $0.role != .appserver })
        let rules = NftablesRuleset.render(for: SampleNodesets.record(topology, "mysql1.foobar.com"), topology: topology)
        #expect(!rules.contains("3306") && !rules.contains("{  }"))
    }
}

@Suite struct HAProxyConfigurationTests {
    static let cases: [(golden: String, topology: Topology)] = [
        ("haproxy/foobar.cfg", SampleNodesets.foobarTopology),
        ("haproxy/no-hostnames.cfg", noHostnames),
    ]

    /// A balancer without hostnames or locations has no app to send anything to.
    static var noHostnames: Topology {
        var nodeset = SampleNodesets.foobar
        nodeset.balancerHostnames = []
        nodeset.locations = []
        return Topology(nodeset: nodeset, records: SampleNodesets.foobarRecords)
    }

    static func render(_ name: String) throws -> String {
        HAProxyConfiguration.render(try #require(cases.first { $0.golden == name }).topology)
    }

    @Test("the balancer's configuration matches its reviewed golden", arguments: cases.map(\.golden))
    func golden(name: String) throws {
        try Golden.expect(try Self.render(name), matches: name)
    }

    @Test(
        "haproxy accepts the configuration",
        .enabled(if: ExternalCheck.find("haproxy") != nil, "haproxy is not installed (apt-get install haproxy)"),
        arguments: cases.map(\.golden))
    func haproxyAccepts(name: String) async throws {
        let result = try await ExternalCheck.haproxy(try Self.render(name))
        #expect(result.succeeded, "haproxy -c: \(result.errorText)\(result.text)")
    }

    @Test(
        "the haproxy check itself rejects a broken configuration",
        .enabled(if: ExternalCheck.find("haproxy") != nil, "haproxy is not installed (apt-get install haproxy)"))
    func haproxyRejects() async throws {
        let broken = try Self.render("haproxy/foobar.cfg").replacingOccurrences(of: "balance roundrobin", with: "balance sometimes")
        #expect(!(try await ExternalCheck.haproxy(broken)).succeeded)
    }

    @Test("every app has a backend of every app server, checked at that app's own ready page, and nothing else is a server")
    func servers() {
        let text = HAProxyConfiguration.render(SampleNodesets.foobarTopology)
        let backends = text.components(separatedBy: "\nbackend ").dropFirst()
        #expect(backends.map { String($0.prefix { $0 != "\n" }) } == ["app_blog", "app_wiki", "no_app"])
        for (backend, app) in zip(backends, ["blog", "wiki"]) {
            #expect(backend.split(separator: "\n").filter { $0.hasPrefix("    server ") }
                == ["    server app1.foobar.com 10.0.0.2:80 check", "    server app2.foobar.com 10.0.0.3:80 check"])
            #expect(backend.contains("uri /.silverlining/ready/\(app) "))
        }
    }

    @Test("locations and their prev. hosts go to their app's backend, the longest path of a host first, as nginx chooses on the app servers")
    func routes() {
        let routes = HAProxyConfiguration.routes([
            Location(url: "http://Foobar.com/", appName: "blog"), Location(url: "http://foobar.com/wiki/", appName: "wiki"),
            Location(url: "http://foobar.com/wiki/old/", appName: "archive"), Location(url: "http://www.foobar.com/", appName: "blog"),
        ])
        #expect(routes.map { "\($0.hostname)\($0.path) \($0.app)" } == [
            "foobar.com/wiki/old/ archive", "prev.foobar.com/wiki/old/ archive", "foobar.com/wiki/ wiki", "prev.foobar.com/wiki/ wiki",
            "foobar.com/ blog", "prev.foobar.com/ blog", "www.foobar.com/ blog", "prev.www.foobar.com/ blog",
        ])
    }
}

@Suite struct RolePlansTests {
    let topology = SampleNodesets.foobarTopology

    func plan(_ node: String) -> NodePlan {
        RolePlans.plan(for: SampleNodesets.record(topology, node), topology: topology, appSecret: "s3cret")
    }

    @Test("every role starts from the base: topology file, firewall, hosts block, nftables")
    func base() {
        for node in topology.nodes {
            let plan = plan(node.name)
            #expect(plan.files.first { $0.path == BaseRole.topologyPath }?.content == topology.file, "\(node.name)")
            let firewall = plan.files.first { $0.path == NftablesRuleset.path }
            #expect(firewall?.content == NftablesRuleset.render(for: node, topology: topology))
            #expect(firewall?.check == ["nft", "-c", "-f", NftablesRuleset.path])
            #expect(firewall?.then == [.run(["nft", "-f", NftablesRuleset.path])])
            #expect(plan.hostsBlock == topology.hostsBlock)
            #expect(plan.packages.contains("nftables") && plan.services.contains("nftables"))
            #expect(plan.directories.map(\.path).contains("/etc/silverlining"))
        }
    }

    @Test("an app server gets nginx, the instance unit and the router")
    func appserver() throws {
        let plan = plan("app1.foobar.com")
        #expect(plan.packages.contains("nginx-light") && plan.packages.contains("gunicorn"))
        #expect(plan.services.contains("nginx"))
        let unit = try #require(plan.files.first { $0.path == "/etc/systemd/system/silver-instance@.service" })
        #expect(unit.content.contains("ExecStart=\(AgentBinary.remotePath) serve %i"))
        #expect(plan.appAccounts == ["blog", "wiki"], "every app of the locations gets its account")
        #expect(!plan.files.contains { $0.path == "/etc/systemd/system/silver-app@.service" }, "the former template is the agent's to remove")
        #expect(unit.then == [.run(["systemctl", "daemon-reload"])])
        #expect(plan.router == RouterSettings(locations: [
            RoutedLocation(hostname: "foobar.com", path: "/", app: "blog"),
            RoutedLocation(hostname: "foobar.com", path: "/wiki/", app: "wiki"),
            RoutedLocation(hostname: "www.foobar.com", path: "/", app: "blog"),
        ]))
        #expect(plan.files.contains { $0.path == RouterConfiguration.settingsPath })
        #expect(plan.absentFiles.map(\.path) == ["/etc/nginx/sites-enabled/default", AppserverRole.formerWSGIWrapper])
        #expect(!plan.packages.contains("haproxy"))
    }

    @Test("an app server gets silver's Python loader, silversupport, PHP's master runner and the nodeset's secret")
    func appserverRuntime() throws {
        let plan = plan("app1.foobar.com")
        #expect(plan.packages.contains("python3-pastedeploy"))
        let paths = plan.files.map(\.path)
        for file in ["silverlining_runner.py", "silverlining_wsgi.py", "silversupport/__init__.py", "silversupport/env.py", "silversupport/secret.py"] {
            #expect(paths.contains(AppRuntime.pythonDirectory + "/" + file), "\(file)")
        }
        #expect(paths.contains(AppRuntime.phpMasterRunner) && paths.contains(AppRuntime.phpFunctions))
        let secret = try #require(plan.files.first { $0.path == AppRuntime.secretPath })
        #expect(secret.content == "s3cret" && secret.mode == 0o640 && secret.owner == "root" && secret.group == "silverapps")
        let mask = try #require(plan.files.first { $0.path == "/etc/systemd/system/php8.2-fpm.service" })
        #expect(mask.content.isEmpty, "an empty unit file masks Debian's own PHP-FPM service")
        #expect(!self.plan("balancer.foobar.com").files.contains { $0.content.contains("s3cret") })
        #expect(!self.plan("mysql1.foobar.com").files.contains { $0.content.contains("s3cret") })
    }

    @Test("the balancer gets HAProxy, checked before it is reloaded, its servers' states saved for the new process")
    func balancer() throws {
        let plan = plan("balancer.foobar.com")
        #expect(plan.packages.contains("haproxy") && plan.services.contains("haproxy"))
        let config = try #require(plan.files.first { $0.path == HAProxyConfiguration.path })
        #expect(config.content == HAProxyConfiguration.render(topology))
        #expect(config.check == ["haproxy", "-c", "-q", "-f", HAProxyConfiguration.path])
        #expect(config.then == [.run([NodeLayout.agent, "balancer-save-state"]), .reload(unit: "haproxy")])
        #expect(config.content.contains("server-state-file \(HAProxyRuntime.stateFile)\n"))
        #expect(config.content.contains("load-server-state-from-file global\n"))
        #expect(plan.router == nil && !plan.packages.contains("nginx-light"))
    }

    @Test("service nodes get their database server, listening on their own address")
    func services() throws {
        let mysql = plan("mysql1.foobar.com")
        #expect(mysql.packages.contains("mariadb-server") && mysql.services.contains("mariadb"))
        #expect(mysql.files.contains { $0.content.contains("bind-address = 10.0.0.4\n") })
        let postgres = plan("postgresql1.foobar.com")
        #expect(postgres.packages.contains("postgresql") && postgres.services.contains("postgresql"))
        let hba = try #require(postgres.files.first { $0.path.hasSuffix("/pg_hba.conf") })
        #expect(hba.content.contains("host    sameuser  all       10.0.0.2/32      scram-sha-256\nhost    sameuser  all       10.0.0.3/32      scram-sha-256\n"))
        #expect(hba.content.contains("host    all       postgres  0.0.0.0/0        reject"))
        #expect(!hba.content.contains("10.0.0.6"), "the balancer may not reach the database")
        #expect(postgres.files.contains { $0.content.contains("listen_addresses = 'localhost,10.0.0.5'") })
    }

    @Test("a service silver does not run on a node of its own gets the base only")
    func unknownService() {
        let node = NodeRecord(name: "cache1", role: .service("redis"), address: "10.0.0.9", providerID: "c")
        #expect(RolePlans.plan(for: node, topology: topology, appSecret: "s3cret") == BaseRole.plan(for: node, topology: topology))
    }
}
