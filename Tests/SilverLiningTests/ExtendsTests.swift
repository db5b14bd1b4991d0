import Foundation
import Testing

@testable import SilverLining

@Suite struct ExtendsTests {
    let scratch: ScratchDirectory

    init() throws { scratch = try ScratchDirectory() }

    @Test func extendingFileWinsAndListsAddAndRemove() throws {
        try scratch.write("shared/base.conf", """
            [general]
            base_domain = example.com
            set_etc_hosts = false
            [appserver]
            nodes = 2
            size = ram 512MB
            locations =
                http://example.com/ blog
                http://example.com/old/ old
            [balancer]
            hostnames = example.com www.example.com old.example.com
            """)
        let nodeset = try scratch.nodeset("""
            [general]
            extends = shared/base.conf
            name = child
            [appserver]
            nodes = 3
            locations -= http://example.com/old/ old
            locations += http://example.com/wiki/ wiki
            [balancer]
            hostnames -= old.example.com
            hostnames += new.example.com
            """)
        #expect(nodeset.name == "child")
        #expect(nodeset.setEtcHosts == false)
        #expect(nodeset.appservers.count == 3)
        #expect(nodeset.appservers.first?.size == .ram(megabytes: 512))
        #expect(nodeset.locations.map(\.appName) == ["blog", "wiki"])
        #expect(nodeset.balancerHostnames == ["example.com", "www.example.com", "new.example.com"])
    }

    @Test func severalFilesTheLaterWins() throws {
        try scratch.write("a.conf", "[general]\nbase_domain = a.example.com\nname = from-a\n[appserver]\nsize = id 1\n")
        try scratch.write("b.conf", "[general]\nbase_domain = b.example.com\n[appserver]\nsize = id 2\n")
        let nodeset = try scratch.nodeset("[general]\nextends = a.conf\n    b.conf\n[appserver]\n")
        #expect(nodeset.baseDomain == "b.example.com")
        #expect(nodeset.name == "from-a")
        #expect(nodeset.appservers.first?.size == .id("2"))
    }

    @Test func extendedFilesExtendRelativeToThemselves() throws {
        try scratch.write("lib/root.conf", "[general]\nbase_domain = example.com\n")
        try scratch.write("lib/middle.conf", "[general]\nextends = root.conf\n[appserver]\nnodes = 2\n")
        let nodeset = try scratch.nodeset("[general]\nextends = lib/middle.conf\n")
        #expect(nodeset.appservers.map(\.name) == ["app1.example.com", "app2.example.com"])
    }

    @Test func interpolationSeesTheMergedValues() throws {
        try scratch.write("base.conf", "[general]\nbase_domain = ${vars:domain}\n[vars]\ndomain = base.example.com\n[appserver]\n")
        let nodeset = try scratch.nodeset("[general]\nextends = ${CONFIGS}/base.conf\n[vars]\ndomain = child.example.com\n",
            environment: ["CONFIGS": scratch.path])
        #expect(nodeset.appservers.first?.name == "app1.child.example.com")
    }

    @Test func missingExtendsFile() throws {
        let error = try #require(try scratch.nodesetError("[general]\nname = x\nextends = nowhere.conf\n"))
        #expect(error.names(file: "test.conf", line: 3, section: "general", key: "extends"))
        #expect(error.description.contains("no such file"))
    }

    @Test func extendsCycle() throws {
        try scratch.write("a.conf", "[general]\nextends = b.conf\n")
        try scratch.write("b.conf", "[general]\n# b comes back to a\nextends = a.conf\n")
        let error = try #require(try scratch.nodesetError("[general]\nextends = a.conf\n"))
        #expect(error.names(file: "b.conf", line: 3, section: "general", key: "extends"))
        #expect(error.description.contains("extends cycle: \(scratch.path)/a.conf → \(scratch.path)/b.conf → \(scratch.path)/a.conf"))

        let itself = try #require(try scratch.nodesetError("[general]\nextends = test.conf\n"))
        #expect(itself.names(file: "test.conf", line: 2, section: "general", key: "extends"))
    }

    @Test func errorsInAnExtendedFileNameThatFile() throws {
        try scratch.write("base.conf", "[general]\n\n[appserver]\nnodes = -1\n")
        let error = try #require(try scratch.nodesetError("[general]\nextends = base.conf\n"))
        #expect(error.names(file: "base.conf", line: 4, section: "appserver", key: "nodes"))
    }

    @Test func sectionReferencesAreRefusedInExtends() throws {
        let error = try #require(try scratch.nodesetError("[general]\nextends = ${vars:base}\n[vars]\nbase = a.conf\n"))
        #expect(error.names(file: "test.conf", line: 2, section: "general", key: "extends"))
    }

    @Test func plusEqualsOnASingleValueIsAnError() throws {
        let error = try #require(try scratch.nodesetError("[appserver]\nnodes += 1\n"))
        #expect(error.names(file: "test.conf", line: 2, section: "appserver", key: "nodes"))
        #expect(error.description.contains("+= works on list values only"))
    }

    @Test func removingWhatIsNotThereWarns() throws {
        try scratch.write("base.conf", "[general]\nbase_domain = example.com\n[appserver]\nnodes = 2\n[balancer]\nhostnames = a.example.com\n")
        let nodeset = try scratch.nodeset("[general]\nextends = base.conf\n[balancer]\nhostnames -= b.example.com\n")
        #expect(nodeset.balancerHostnames == ["a.example.com"])
        #expect(nodeset.warnings.contains { $0.contains("test.conf:4: warning: [balancer] hostnames: -= removes nothing for \"b.example.com\"") })
    }
}
