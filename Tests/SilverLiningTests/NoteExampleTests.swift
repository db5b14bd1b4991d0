import Foundation
import Testing

@testable import SilverLining

/// The note's own `foobar.conf` is the contract: it must parse, as the note describes it.
@Suite struct NoteExampleTests {
    let scratch: ScratchDirectory
    let nodeset: Nodeset

    init() throws {
        scratch = try ScratchDirectory()
        nodeset = try NodesetLoader.load(path: Fixtures.path("foobar.conf"), environment: scratch.environment(["HOME": "/home/ian"]))
    }

    @Test func examplesCopyIsTheFixture() throws {
        let example = try String(contentsOfFile: Fixtures.packageRoot + "/examples/foobar.conf", encoding: .utf8)
        let fixture = try String(contentsOfFile: Fixtures.path("foobar.conf"), encoding: .utf8)
        #expect(example == fixture)
    }

    @Test func generalSection() {
        #expect(nodeset.name == "my-server-setup")
        #expect(nodeset.baseDomain == "foobar.com")
        #expect(nodeset.setEtcHosts == false)
    }

    @Test func tenAppServersNamedByTemplate() {
        #expect(nodeset.appservers.map(\.name) == (1...10).map { "app\($0).foobar.com" })
        #expect(nodeset.appservers.map(\.index) == Array(1...10))
    }

    @Test func laterSizeWinsWithAWarning() throws {
        #expect(nodeset.appservers.allSatisfy { $0.size == .ram(megabytes: 256) })
        let warning = try #require(nodeset.warnings.first { $0.contains("size") })
        #expect(warning.contains("foobar.conf:33: warning: [appserver] size: given twice"))
        #expect(warning.contains("line 30"))
    }

    @Test func oneMySQLNodeNamedAsTheNoteNamesIt() {
        #expect(nodeset.nodes(in: .service("mysql")).map(\.name) == ["mysql.foobar.com"])
        #expect(nodeset.serviceNames == ["mysql"])
    }

    @Test func balancer() {
        #expect(nodeset.loadBalancer)
        #expect(nodeset.balancer?.name == "balancer.foobar.com")
        #expect(nodeset.balancerHostnames == ["foobar.com", "baz.com"])
        #expect(nodeset.nodes.count == 12)
        #expect(nodeset.nodes.last?.role == .balancer)
    }

    @Test func locations() {
        #expect(nodeset.locations == [Location(url: "http://foobar.com/", appName: "APP_NAME1")])
    }

    @Test func providerInlineSettings() throws {
        let provider = nodeset.provider
        #expect(provider.kind == "rackspace")
        #expect(provider.username == "foobar")
        #expect(provider.secret?.reveal() == "XXX")
        #expect(provider.secretFile == "/home/ian/.rackspace-secret.txt")
        // [provider:whatever] is not in ~/.silverlining.conf; the inline keys stand in.
        #expect(provider.name == nil)
        #expect(nodeset.warnings.contains { $0.contains("foobar.conf:11: warning: [provider] name: there is no [provider:whatever]") })
    }

    /// The note's own provider is one silver makes nodes with.
    @Test func rackspaceIsSupported() throws {
        #expect(!nodeset.warnings.contains { $0.contains("not supported") })
        try nodeset.validateProvider()
    }

    @Test func sshWaitIsABooleanCheckedWhereItIsWritten() throws {
        let file = try scratch.write(
            "wait.conf", "[general]\nbase_domain = x.test\n\n[provider]\nprovider = rackspace\nssh_wait = off\n[appserver]\n")
        #expect(try NodesetLoader.load(path: file, environment: scratch.environment()).provider.settings["ssh_wait"] == "false")
        let bad = try scratch.write(
            "badwait.conf", "[general]\nbase_domain = x.test\n\n[provider]\nprovider = rackspace\nssh_wait = later\n[appserver]\n")
        let error = try #require(throws: ConfigError.self) { try NodesetLoader.load(path: bad, environment: scratch.environment()) }
        #expect(error.names(file: "badwait.conf", line: 6, section: "provider", key: "ssh_wait"))
    }

    @Test func topologyLinesInTheNotesForm() {
        let lines = NodesetReport.topologyLines(nodeset, addresses: ["app1.foobar.com": "10.4.3.2"])
        #expect(lines.first == "appserver = app1.foobar.com 10.4.3.2")
        #expect(lines.contains("service.mysql = mysql.foobar.com -"))
        #expect(lines.last == "balancer = balancer.foobar.com -")
    }

    @Test func parsesQuickly() throws {
        // Not a timing assertion (bench/config-parse.sh measures); a guard against an
        // accidental quadratic blow-up, with room for slow debug builds.
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for _ in 0..<20 { _ = try NodesetLoader.load(path: Fixtures.path("foobar.conf"), environment: scratch.environment()) }
        }
        #expect(elapsed < .seconds(5))
    }
}

@Suite struct ProviderLookupTests {
    @Test func userConfigSectionIsUsedAndInlineKeysWin() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("user.conf", """
            [provider:whatever]
            provider = ec2
            username = from-user-config
            secret_file = ${HOME}/aws-secret
            region = eu-west-1

            [something-else]
            anything = goes
            """)
        let nodeset = try scratch.nodeset("""
            [general]
            base_domain = example.com
            [provider]
            name = whatever
            username = inline
            [appserver]
            """)
        #expect(nodeset.provider.name == "whatever")
        #expect(nodeset.provider.kind == "ec2")
        #expect(nodeset.provider.username == "inline")
        #expect(nodeset.provider.secretFile == scratch.path + "/aws-secret")
        #expect(nodeset.provider.settings == ["region": "eu-west-1"])
        #expect(nodeset.warnings.isEmpty)
        #expect(throws: Never.self) { try nodeset.validateProvider() }
    }

    @Test func onlyANameThatIsNotFoundIsAnError() throws {
        let scratch = try ScratchDirectory()
        let error = try #require(try scratch.nodesetError("""
            [provider]
            name = missing
            [appserver]
            node_name = app.example.com
            """))
        #expect(error.names(file: "test.conf", line: 2, section: "provider", key: "name"))
        #expect(error.description.contains("no [provider:missing] section"))
    }

    @Test func unknownKeyInUserConfigNamesThatFile() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("user.conf", "[provider:x]\nprovider = ec2\nusername = a\nsecert = b\n")
        let error = try #require(try scratch.nodesetError("[provider]\nname = x\n[appserver]\nnode_name = a.example.com\n"))
        #expect(error.names(file: "user.conf", line: 4, section: "provider:x", key: "secert"))
        #expect(error.hint?.contains("did you mean \"secret\"?") == true)
    }

    @Test func providerDefaultsToLocal() throws {
        let nodeset = try ScratchDirectory().nodeset("[general]\nbase_domain = example.com\n[appserver]\n")
        #expect(nodeset.provider.kind == "local")
        #expect(nodeset.provider.kindLocation == nil)
        #expect(throws: Never.self) { try nodeset.validateProvider() }
    }

    @Test func anUnknownKindIsRefusedByValidateProvider() throws {
        let nodeset = try ScratchDirectory().nodeset("[provider]\nprovider = digitalocean\n[appserver]\nnode_name = a.example.com\n")
        let error = try #require(#expect(throws: ConfigError.self) { try nodeset.validateProvider() })
        #expect(error.names(file: "test.conf", line: 2, section: "provider", key: "provider"))
        #expect(error.hint == "supported providers: local, static, ec2, rackspace, openstack")
    }
}
