import Foundation
import Testing

@testable import SilverLining

@Suite struct InterpolationTests {
    let scratch: ScratchDirectory

    init() throws { scratch = try ScratchDirectory() }

    @Test func environmentVariablesAndSectionReferences() throws {
        let nodeset = try scratch.nodeset("""
            [vars]
            domain = ${DOMAIN}
            extra = shop.${vars:domain}
            [general]
            base_domain = ${vars:domain}
            [provider]
            username = price$$list $5
            [appserver]
            nodes = 2
            locations = http://${general:base_domain}/ blog
            [balancer]
            hostnames = ${general:base_domain} ${vars:extra}
            """, environment: ["DOMAIN": "example.org"])
        #expect(nodeset.baseDomain == "example.org")
        #expect(nodeset.provider.username == "price$list $5")
        #expect(nodeset.locations.first?.url == "http://example.org/")
        #expect(nodeset.balancerHostnames == ["example.org", "shop.example.org"])
    }

    @Test func sameSectionReferenceAndMultiLineValues() throws {
        let nodeset = try scratch.nodeset("""
            [vars]
            hosts =
                a.example.com
                b.example.com
            domain = example.com
            balancer = lb.${:domain}
            [general]
            base_domain = example.com
            [appserver]
            nodes = 2
            [balancer]
            node_name = ${vars:balancer}
            hostnames = ${vars:hosts}
                c.example.com
            """)
        #expect(nodeset.balancerHostnames == ["a.example.com", "b.example.com", "c.example.com"])
        #expect(nodeset.balancer?.name == "lb.example.com")
    }

    @Test func undefinedEnvironmentVariable() throws {
        let error = try #require(try scratch.nodesetError("[general]\nbase_domain = ${DOMIAN}\n", environment: ["DOMAIN": "x"]))
        #expect(error.names(file: "test.conf", line: 2, section: "general", key: "base_domain"))
        #expect(error.description.contains("environment variable DOMIAN is not set"))
        #expect(error.hint?.hasPrefix("did you mean ${DOMAIN}?") == true)
    }

    @Test func undefinedSectionAndKey() throws {
        let missingKey = try #require(try scratch.nodesetError("[general]\nname = x\nbase_domain = ${general:nmae}\n"))
        #expect(missingKey.names(file: "test.conf", line: 3, section: "general", key: "base_domain"))
        #expect(missingKey.description.contains("${general:nmae} refers to a key that [general] does not have"))
        #expect(missingKey.hint?.hasPrefix("did you mean \"name\"?") == true)

        let missingSection = try #require(try scratch.nodesetError("[general]\nbase_domain = ${genral:name}\n"))
        #expect(missingSection.names(file: "test.conf", line: 2, section: "general", key: "base_domain"))
        #expect(missingSection.hint?.hasPrefix("did you mean \"general\"?") == true)
    }

    @Test func cycles() throws {
        let error = try #require(try scratch.nodesetError("""
            [vars]
            a = ${vars:b}
            b = x${vars:c}
            c = ${vars:a}
            """))
        #expect(error.names(file: "test.conf", line: 4, section: "vars", key: "c"))
        #expect(error.description.contains("interpolation cycle: ${vars:a} → ${vars:b} → ${vars:c} → ${vars:a}"))

        let itself = try #require(try scratch.nodesetError("[general]\nname = ${general:name}\n"))
        #expect(itself.names(file: "test.conf", line: 2, section: "general", key: "name"))
        #expect(itself.description.contains("interpolation cycle"))
    }

    @Test func unclosedAndMalformedReferences() throws {
        let unclosed = try #require(try scratch.nodesetError("[general]\nname = ${HOME\n"))
        #expect(unclosed.names(file: "test.conf", line: 2, section: "general", key: "name"))
        #expect(unclosed.description.contains("\"${\" is not closed"))

        let malformed = try #require(try scratch.nodesetError("[general]\nname = ${not a name}\n"))
        #expect(malformed.names(file: "test.conf", line: 2, section: "general", key: "name"))
    }

    @Test func exponentialGrowthIsStopped() throws {
        var text = "[vars]\nv0 = xxxxxxxxxxxxxxxx\n"
        for level in 1...40 { text += "v\(level) = ${vars:v\(level - 1)}${vars:v\(level - 1)}\n" }
        let error = try #require(try scratch.nodesetError(text))
        #expect(error.description.contains("grows beyond"))
    }

    @Test func deepChainsAreRefusedNotOverflowed() throws {
        // Written top-down so that resolving the first key recurses through all the others.
        var text = "[vars]\n"
        for level in (1...500).reversed() { text += "v\(level) = ${vars:v\(level - 1)}\n" }
        text += "v0 = x\n"
        let error = try #require(try scratch.nodesetError(text))
        #expect(error.description.contains("nested more than"))
    }

    @Test func nodePlaceholders() throws {
        let nodeset = try scratch.nodeset("""
            [general]
            base_domain = example.com
            [appserver]
            nodes = 2
            node_name = {{role}}-{{ n }}.{{base_domain}}
            image = debian-12-{{name}}
            [service:postgresql]
            node_name = db{{n}}.example.com
            """)
        #expect(nodeset.appservers.map(\.name) == ["app-1.example.com", "app-2.example.com"])
        #expect(nodeset.appservers.map(\.image) == ["debian-12-app-1.example.com", "debian-12-app-2.example.com"])
        #expect(nodeset.nodes(in: .service("postgresql")).map(\.name) == ["db1.example.com"])
    }

    @Test(arguments: [
        ("[appserver]\nnode_name = app{{m}}.example.com\n", "unknown placeholder {{m}}"),
        ("[appserver]\nnode_name = app{{n}}.{{base_domain}}\n", "{{base_domain}} cannot be filled"),
        ("[appserver]\nnode_name = {{name}}\n", "{{name}} cannot be filled"),
        ("[appserver]\nnode_name = app{{n.example.com\n", "\"{{\" is not closed"),
    ])
    func placeholderErrors(text: String, message: String) throws {
        let error = try #require(try scratch.nodesetError(text))
        #expect(error.names(file: "test.conf", line: 2, section: "appserver", key: "node_name"))
        #expect(error.description.contains(message))
    }

    @Test func placeholdersOutsideNodeNameAndImageAreErrors() throws {
        let error = try #require(try scratch.nodesetError("[general]\nbase_domain = {{n}}.example.com\n"))
        #expect(error.names(file: "test.conf", line: 2, section: "general", key: "base_domain"))
        #expect(error.description.contains("only in node_name and image"))
    }
}
