import Foundation
import Testing

@testable import SilverLining

@Suite struct IniSyntaxTests {
    let scratch: ScratchDirectory

    init() throws { scratch = try ScratchDirectory() }

    @Test func continuationLinesMayMixTabsAndSpaces() throws {
        let nodeset = try scratch.nodeset(
            "[general]\nbase_domain = example.com\n[appserver]\nnodes = 2\n[balancer]\nhostnames =\n\texample.com\n    \tb.example.com\n \t c.example.com\n")
        #expect(nodeset.balancerHostnames == ["example.com", "b.example.com", "c.example.com"])
    }

    @Test func valueOnTheKeyLineContinues() throws {
        let nodeset = try scratch.nodeset("""
            [general]
            base_domain = example.com
            [appserver]
            locations = http://example.com/ blog
                http://example.com/wiki/ wiki
            """)
        #expect(nodeset.locations.map(\.appName) == ["blog", "wiki"])
    }

    @Test func commentsAndBlankLinesInsideAValue() throws {
        let nodeset = try scratch.nodeset("""
            ; a comment
            # another
            [general]
            base_domain = example.com
            [appserver]
            locations =
                http://a.example.com/ a
                # http://b.example.com/ b
              ; http://c.example.com/ c

                http://d.example.com/ d
            """)
        #expect(nodeset.locations.map(\.appName) == ["a", "d"])
    }

    @Test func hashAfterAValueIsPartOfItAndTheErrorSaysSo() throws {
        let error = try #require(try scratch.nodesetError("[appserver]\nnodes = 3 # three\n"))
        #expect(error.names(file: "test.conf", line: 2, section: "appserver", key: "nodes"))
        #expect(error.description.contains(#"got "3 # three""#))
        #expect(error.hint?.contains("comments go on their own line") == true)
    }

    @Test func keysAreCaseSensitive() throws {
        let error = try #require(try scratch.nodesetError("[appserver]\nNodes = 3\n"))
        #expect(error.names(file: "test.conf", line: 2, section: "appserver", key: "Nodes"))
        #expect(error.hint?.hasPrefix("did you mean \"nodes\"?") == true)
    }

    @Test func crlfLineEndingsAndAByteOrderMark() throws {
        let text = "\u{FEFF}[general]\r\nbase_domain = example.com\r\n[appserver]\r\nnodes = 2\r\n"
        let nodeset = try scratch.nodeset(text)
        #expect(nodeset.appservers.map(\.name) == ["app1.example.com", "app2.example.com"])
    }

    @Test func emptyFileDescribesNoNodes() throws {
        let error = try #require(try scratch.nodesetError(""))
        #expect(error.names(file: "test.conf", line: 1, section: "appserver"))
        #expect(error.description.contains("describes no nodes"))
    }

    @Test func commentsOnlyFileIsLikeAnEmptyOne() throws {
        let error = try #require(try scratch.nodesetError("# nothing here\n\n; at all\n"))
        #expect(error.description.contains("describes no nodes"))
    }

    @Test func binaryGarbageIsNotText() throws {
        let file = try scratch.write("garbage.conf", bytes: [0x5B, 0x61, 0x5D, 0x0A, 0x00, 0xFF, 0x13, 0x37, 0x0A])
        let error = try #require(#expect(throws: ConfigError.self) { try NodesetLoader.load(path: file, environment: scratch.environment()) })
        #expect(error.description.hasPrefix("\(file):2: error: not a text file"))
    }

    @Test func invalidUTF8IsRefusedWithItsLine() throws {
        let file = try scratch.write("latin1.conf", bytes: Array("[general]\nname = ".utf8) + [0xE9, 0x74, 0xE9, 0x0A])
        let error = try #require(#expect(throws: ConfigError.self) { try NodesetLoader.load(path: file, environment: scratch.environment()) })
        #expect(error.description.hasPrefix("\(file):2: error: not valid UTF-8 text"))
    }

    @Test func duplicateSectionInOneFile() throws {
        let error = try #require(try scratch.nodesetError("[appserver]\nnodes = 1\n\n[appserver]\nsize = id 1\n"))
        #expect(error.names(file: "test.conf", line: 4, section: "appserver"))
        #expect(error.description.contains("already opened on line 1"))
    }

    @Test func keyGivenTwiceWarnsAndTheLaterWins() throws {
        let nodeset = try scratch.nodeset("[general]\nbase_domain = example.com\n[appserver]\nnodes = 2\nnodes = 3\n")
        #expect(nodeset.appservers.count == 3)
        #expect(nodeset.warnings.contains { $0.contains("test.conf:5: warning: [appserver] nodes: given twice") })
    }

    @Test(arguments: [
        ("  nodes = 1\n", 1, "indented line does not continue any key"),
        ("nodes = 1\n", 1, "is outside any section"),
        ("[appserver]\njust words\n", 2, "expected \"key = value\""),
        ("[appserver\n", 1, "a section header is [NAME] alone on its line"),
        ("[]\n", 1, "is not a valid section name"),
        ("[appserver]\n= 3\n", 2, "is not a valid key"),
        ("[appserver]\nno des = 3\n", 2, "is not a valid key"),
    ])
    func syntaxErrors(text: String, line: Int, message: String) throws {
        let error = try #require(try scratch.nodesetError(text))
        #expect(error.description.hasPrefix(scratch.path + "/test.conf:\(line): error: "))
        #expect(error.description.contains(message))
    }

    @Test func unknownSectionSuggestsTheNearest() throws {
        let error = try #require(try scratch.nodesetError("[appservr]\nnodes = 1\n"))
        #expect(error.names(file: "test.conf", line: 1, section: "appservr"))
        #expect(error.description.contains("unknown section"))
        #expect(error.hint?.hasPrefix("did you mean \"appserver\"?") == true)
    }

    @Test func providerAccountSectionInANodesetPointsToTheUserConfig() throws {
        let error = try #require(try scratch.nodesetError("[provider:work]\nprovider = ec2\n"))
        #expect(error.hint?.contains("belong in ~/.silverlining.conf") == true)
    }

    @Test func unknownKeyListsTheValidOnes() throws {
        let error = try #require(try scratch.nodesetError("[appserver]\nnode_nmae = a.example.com\n"))
        #expect(error.names(file: "test.conf", line: 2, section: "appserver", key: "node_nmae"))
        #expect(error.hint?.hasPrefix("did you mean \"node_name\"?") == true)
        #expect(error.hint?.contains("keys: hosts, image, load_balancer, locations, node_name, nodes, size") == true)
    }

    @Test func aMegabyteFileParses() throws {
        var text = "[general]\nbase_domain = example.com\n[appserver]\nnodes = 2\n[balancer]\nhostnames =\n"
        var index = 0
        while text.utf8.count < 1 << 20 {
            text += "    h\(index).example.com\n# padding padding padding padding padding padding\n"
            index += 1
        }
        let nodeset = try scratch.nodeset(text)
        #expect(nodeset.balancerHostnames.count == index)
    }

    @Test func aMissingFileIsAnError() throws {
        let error = try #require(#expect(throws: ConfigError.self) {
            try NodesetLoader.load(path: scratch.path + "/nope.conf", environment: scratch.environment())
        })
        #expect(error.description == scratch.path + "/nope.conf: error: no such file")
    }
}
