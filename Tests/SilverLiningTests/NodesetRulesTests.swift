import Foundation
import Testing

@testable import SilverLining

@Suite struct NodesetRulesTests {
    let scratch: ScratchDirectory

    init() throws { scratch = try ScratchDirectory() }

    @Test func namesFromBaseDomain() throws {
        let nodeset = try scratch.nodeset("""
            [general]
            base_domain = example.com
            [appserver]
            nodes = 2
            [service:mysql]
            [service:postgresql]
            nodes = 2
            """)
        #expect(nodeset.nodes.map(\.name) == [
            "app1.example.com", "app2.example.com", "mysql.example.com", "postgresql1.example.com",
            "postgresql2.example.com", "balancer.example.com",
        ])
        #expect(nodeset.nodes.map(\.role) == [
            .appserver, .appserver, .service("mysql"), .service("postgresql"), .service("postgresql"), .balancer,
        ])
    }

    @Test("a lone service node is named as the note names it, several are numbered; node_name wins")
    func serviceNodeNames() throws {
        let one = try scratch.nodeset("[general]\nbase_domain = example.com\n[appserver]\n[service:mysql]\nnodes = 1\n")
        #expect(one.nodes(in: .service("mysql")).map(\.name) == ["mysql.example.com"])
        #expect(one.nodes(in: .service("mysql")).map(\.formerName) == ["mysql1.example.com"])
        let two = try scratch.nodeset("[general]\nbase_domain = example.com\n[appserver]\n[service:mysql]\nnodes = 2\n")
        #expect(two.nodes(in: .service("mysql")).map(\.name) == ["mysql1.example.com", "mysql2.example.com"])
        #expect(two.nodes(in: .service("mysql")).map(\.formerName) == ["mysql.example.com", nil], "the first may have been the lone one")
        let named = try scratch.nodeset("[general]\nbase_domain = example.com\n[appserver]\n[service:mysql]\nnode_name = db.example.com\n")
        #expect(named.nodes(in: .service("mysql")).map(\.name) == ["db.example.com"])
        #expect(named.nodes.allSatisfy { $0.formerName == nil }, "a name the user gave is never swapped")
        #expect(one.nodes(in: .appserver).map(\.name) == ["app1.example.com"], "app servers keep their numbers")
    }

    @Test func oneNodeWhenNodesIsAbsentAndNoBalancerForIt() throws {
        let nodeset = try scratch.nodeset("[general]\nbase_domain = example.com\n[appserver]\n")
        #expect(nodeset.nodes.map(\.name) == ["app1.example.com"])
        #expect(nodeset.loadBalancer == false)
        #expect(nodeset.balancer == nil)
        #expect(nodeset.warnings.isEmpty)
    }

    @Test func noNodeNameAndNoBaseDomain() throws {
        let error = try #require(try scratch.nodesetError("[general]\nname = x\n\n[appserver]\nnodes = 2\n"))
        #expect(error.names(file: "test.conf", line: 4, section: "appserver", key: "node_name"))
        #expect(error.description.contains("neither node_name nor [general] base_domain is set"))
        #expect(error.hint?.contains("base_domain = example.com in [general]") == true)
    }

    @Test func nameDefaultsToTheFilesBaseName() throws {
        let nodeset = try scratch.nodeset("[general]\nbase_domain = example.com\n[appserver]\n", name: "shop-eu.conf")
        #expect(nodeset.name == "shop-eu")
        #expect(nodeset.file == scratch.path + "/shop-eu.conf")
    }

    @Test(arguments: ["-1", "0", "abc", "1.5", "1001", "99999999999999999999", ""])
    func nodesMustBeAPositiveWholeNumber(value: String) throws {
        let error = try #require(try scratch.nodesetError("[general]\nbase_domain = example.com\n[appserver]\nnodes = \(value)\n"))
        #expect(error.names(file: "test.conf", line: 4, section: "appserver", key: "nodes"))
        #expect(error.description.contains("[appserver] nodes: must be a positive whole number, got \"\(value)\""))
    }

    @Test func theBriefsErrorFormat() throws {
        let error = try #require(try scratch.nodesetError("[general]\nbase_domain = example.com\n[appserver]\nnodes = -1\n"))
        #expect(error.description == "\(scratch.path)/test.conf:4: error: [appserver] nodes: must be a positive whole number, got \"-1\"")
        #expect(error.exitStatus == 2)
    }

    @Test(arguments: [
        ("id 1", NodeSize.id("1")), ("id m1.small", .id("m1.small")), ("ram 256MB", .ram(megabytes: 256)),
        ("ram 2GB", .ram(megabytes: 2048)), ("ram 512 mb", .ram(megabytes: 512)), ("RAM 1gb", .ram(megabytes: 1024)),
    ])
    func sizes(text: String, size: NodeSize) throws {
        let nodeset = try scratch.nodeset("[general]\nbase_domain = example.com\n[appserver]\nsize = \(text)\n")
        #expect(nodeset.appservers.first?.size == size)
    }

    @Test(arguments: ["ram", "ram 256", "ram -1MB", "ram 0MB", "ram 99999999999GB", "id", "id 1 2", "big", "256MB"])
    func badSizes(text: String) throws {
        let error = try #require(try scratch.nodesetError("[general]\nbase_domain = example.com\n[service:mysql]\nsize = \(text)\n"))
        #expect(error.names(file: "test.conf", line: 4, section: "service:mysql", key: "size"))
        #expect(error.description.contains("must be \"id ID\" or \"ram AMOUNT\""))
    }

    @Test(arguments: [
        ("true", true), ("yes", true), ("on", true), ("1", true), ("TRUE", true),
        ("false", false), ("no", false), ("off", false), ("0", false), ("No", false),
    ])
    func booleans(text: String, value: Bool) throws {
        let nodeset = try scratch.nodeset("[general]\nbase_domain = example.com\nset_etc_hosts = \(text)\n[appserver]\n")
        #expect(nodeset.setEtcHosts == value)
    }

    @Test func badBoolean() throws {
        let error = try #require(try scratch.nodesetError("[general]\nbase_domain = example.com\nset_etc_hosts = maybe\n[appserver]\n"))
        #expect(error.names(file: "test.conf", line: 3, section: "general", key: "set_etc_hosts"))
        #expect(error.description.contains("must be true or false"))
    }

    @Test func severalAppServersMeanABalancerEvenWithoutItsSection() throws {
        let nodeset = try scratch.nodeset("[general]\nbase_domain = example.com\n[appserver]\nnodes = 3\nlocations = http://shop.example.com/ shop\n")
        #expect(nodeset.loadBalancer)
        #expect(nodeset.balancer?.name == "balancer.example.com")
        #expect(nodeset.balancerHostnames == ["shop.example.com"])
        #expect(nodeset.warnings.contains { $0.contains("test.conf:3: warning:") && $0.contains("adding the balancer node balancer.example.com") })
    }

    @Test func aBalancerSectionMeansBalancingForOneAppServer() throws {
        let nodeset = try scratch.nodeset("[general]\nbase_domain = example.com\n[appserver]\n[balancer]\nnode_name = lb.example.com\n")
        #expect(nodeset.loadBalancer)
        #expect(nodeset.balancer?.name == "lb.example.com")
        #expect(nodeset.warnings.isEmpty)
    }

    @Test func loadBalancerTrueForOneNodeAddsABalancer() throws {
        let nodeset = try scratch.nodeset("[general]\nbase_domain = example.com\n[appserver]\nload_balancer = yes\n")
        #expect(nodeset.nodes.map(\.name) == ["app1.example.com", "balancer.example.com"])
    }

    @Test func balancerAddedWithoutABaseDomainNeedsAName() throws {
        let error = try #require(try scratch.nodesetError("[appserver]\nnodes = 2\nnode_name = app{{n}}.example.com\nload_balancer = true\n"))
        #expect(error.names(file: "test.conf", line: 4, section: "appserver", key: "load_balancer"))
        #expect(error.hint == "add a [balancer] section with node_name, or set base_domain in [general]")
    }

    @Test func loadBalancerFalseWithSeveralAppServers() throws {
        let error = try #require(try scratch.nodesetError("[general]\nbase_domain = example.com\n[appserver]\nnodes = 2\nload_balancer = false\n"))
        #expect(error.names(file: "test.conf", line: 5, section: "appserver", key: "load_balancer"))
        #expect(error.description.contains("is false, but there are 2 app server nodes"))
    }

    @Test func loadBalancerFalseWithABalancerSection() throws {
        let error = try #require(try scratch.nodesetError("[general]\nbase_domain = example.com\n[appserver]\nload_balancer = off\n[balancer]\n"))
        #expect(error.names(file: "test.conf", line: 4, section: "appserver", key: "load_balancer"))
    }

    @Test func balancerWithoutAppServers() throws {
        let error = try #require(try scratch.nodesetError("[general]\nbase_domain = example.com\n[service:mysql]\n[balancer]\n"))
        #expect(error.names(file: "test.conf", line: 4, section: "balancer"))
    }

    @Test func serviceOnlyNodesetIsFine() throws {
        let nodeset = try scratch.nodeset("[general]\nbase_domain = example.com\n[service:postgis]\n")
        #expect(nodeset.nodes.map(\.name) == ["postgis.example.com"])
    }

    @Test func nodeNamesMustBeUnique() throws {
        let sameRole = try #require(try scratch.nodesetError("[general]\nbase_domain = example.com\n[appserver]\nnodes = 2\nnode_name = app.example.com\n"))
        #expect(sameRole.names(file: "test.conf", line: 5, section: "appserver", key: "node_name"))
        #expect(sameRole.hint?.contains("{{n}}") == true)

        let acrossRoles = try #require(try scratch.nodesetError("""
            [general]
            base_domain = example.com
            [appserver]
            [service:mysql]
            node_name = app1.example.com
            """))
        #expect(acrossRoles.names(file: "test.conf", line: 5, section: "service:mysql", key: "node_name"))
        #expect(acrossRoles.description.contains("app1.example.com is given to two nodes"))
    }

    @Test(arguments: ["app_{{n}}.example.com", "-app{{n}}.example.com", "app{{n}}..example.com", "app{{n}} .example.com"])
    func nodeNamesMustBeHostNames(template: String) throws {
        let error = try #require(try scratch.nodesetError("[appserver]\nnode_name = \(template)\n"))
        #expect(error.names(file: "test.conf", line: 2, section: "appserver", key: "node_name"))
    }

    @Test func unknownServiceSection() throws {
        let typo = try #require(try scratch.nodesetError("[general]\nbase_domain = example.com\n[appserver]\n\n[service:mysq]\n"))
        #expect(typo.names(file: "test.conf", line: 5, section: "service:mysq"))
        #expect(typo.hint?.hasPrefix("did you mean \"mysql\"?") == true)

        let perAppServer = try #require(try scratch.nodesetError("[service:files]\n"))
        #expect(perAppServer.description.contains("lives on each app server"))
    }

    @Test func badLocations() throws {
        let oneWord = try #require(try scratch.nodesetError("""
            [general]
            base_domain = example.com
            [appserver]
            locations =
                http://example.com/ blog
                http://example.com/wiki/
            """))
        #expect(oneWord.names(file: "test.conf", line: 6, section: "appserver", key: "locations"))
        #expect(oneWord.description.contains("each line must be \"URL APP_NAME\""))

        let badScheme = try #require(try scratch.nodesetError("[general]\nbase_domain = example.com\n[appserver]\nlocations = ftp://example.com/ blog\n"))
        #expect(badScheme.names(file: "test.conf", line: 4, section: "appserver", key: "locations"))

        let twice = try #require(try scratch.nodesetError(
            "[general]\nbase_domain = example.com\n[appserver]\nlocations = http://a.example.com/ a\n  http://a.example.com/ b\n"))
        #expect(twice.names(file: "test.conf", line: 5, section: "appserver", key: "locations"))
    }

    @Test func badHostnames() throws {
        let error = try #require(try scratch.nodesetError("[general]\nbase_domain = example.com\n[appserver]\n[balancer]\nhostnames = ok.example.com\n  not_ok\n"))
        #expect(error.names(file: "test.conf", line: 6, section: "balancer", key: "hostnames"))
    }

    @Test func imageIsKeptPerRole() throws {
        let nodeset = try scratch.nodeset("[general]\nbase_domain = example.com\n[appserver]\nimage = debian-12\n[service:mysql]\n")
        #expect(nodeset.appservers.first?.image == "debian-12")
        #expect(nodeset.nodes(in: .service("mysql")).first?.image == nil)
    }

    @Test func targetsByTheNotesRule() {
        #expect(Target(argument: "foobar.conf") == .nodeset(path: "foobar.conf"))
        #expect(Target(argument: "sets/foobar.conf") == .nodeset(path: "sets/foobar.conf"))
        #expect(Target(argument: "app1.foobar.com") == .host(name: "app1.foobar.com"))
        #expect(Target(argument: "myapp/") == .host(name: "myapp/"))
    }
}

@Suite struct StaticHostsTests {
    let scratch: ScratchDirectory

    init() throws { scratch = try ScratchDirectory() }

    @Test func hostsGiveAddressesNamesAndTheCount() throws {
        let nodeset = try scratch.nodeset("""
            [general]
            base_domain = example.com
            [provider]
            provider = static
            [appserver]
            hosts = 10.0.0.1 web2.example.com=10.0.0.2
                2001:db8::3
            [service:mysql]
            hosts = db.example.com=db.internal
            [balancer]
            hosts = 10.0.0.9
            """)
        #expect(nodeset.appservers.map(\.name) == ["app1.example.com", "web2.example.com", "app3.example.com"])
        #expect(nodeset.appservers.map(\.staticAddress) == ["10.0.0.1", "10.0.0.2", "2001:db8::3"])
        #expect(nodeset.nodes(in: .service("mysql")).map(\.name) == ["db.example.com"])
        #expect(nodeset.balancer?.staticAddress == "10.0.0.9")
        #expect(NodesetReport.topologyLines(nodeset).first == "appserver = app1.example.com 10.0.0.1")
    }

    @Test func nodesMustMatchHosts() throws {
        let error = try #require(try scratch.nodesetError(
            "[general]\nbase_domain = example.com\n[provider]\nprovider = static\n[appserver]\nnodes = 3\nhosts = 10.0.0.1 10.0.0.2\n"))
        #expect(error.names(file: "test.conf", line: 6, section: "appserver", key: "nodes"))
        #expect(error.description.contains("is 3, but hosts lists 2 addresses"))
    }

    @Test func staticNeedsHostsForEveryRole() throws {
        let error = try #require(try scratch.nodesetError(
            "[general]\nbase_domain = example.com\n[provider]\nprovider = static\n[appserver]\nhosts = 10.0.0.1\n[service:mysql]\n"))
        #expect(error.names(file: "test.conf", line: 7, section: "service:mysql", key: "hosts"))
    }

    @Test func hostsNeedTheStaticProvider() throws {
        let error = try #require(try scratch.nodesetError("[general]\nbase_domain = example.com\n[appserver]\nhosts = 10.0.0.1\n"))
        #expect(error.names(file: "test.conf", line: 4, section: "appserver", key: "hosts"))
        #expect(error.description.contains("only used with provider = static"))
    }

    @Test(arguments: ["10.0.0.1=", "bad_name=10.0.0.1", "=10.0.0.1", "not/an/address"])
    func badHostEntries(entry: String) throws {
        let error = try #require(try scratch.nodesetError("[general]\nbase_domain = example.com\n[provider]\nprovider = static\n[appserver]\nhosts = \(entry)\n"))
        #expect(error.names(file: "test.conf", line: 6, section: "appserver", key: "hosts"))
    }
}
