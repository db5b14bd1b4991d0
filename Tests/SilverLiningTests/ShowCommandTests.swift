import Foundation
import Testing

@testable import SilverLining

/// Runs the built `silver` binary.
@Suite struct ShowCommandTests {
    func silver(_ arguments: [String], environment: [String: String]) throws -> SilverBinary.Run {
        try SilverBinary.run(arguments, environment: environment)
    }

    @Test func brokenConfigPrintsItsErrorOnceAndExitsTwo() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("broken.conf", "[general]\nbase_domain = example.com\n\n[appserver]\nnodes = -1\n")
        let run = try silver(["show", file], environment: scratch.environment())
        #expect(run.status == 2)
        #expect(run.output.isEmpty)
        #expect(run.errorOutput == "\(file):5: error: [appserver] nodes: must be a positive whole number, got \"-1\"\n")
    }

    @Test func errorWithHintAndNoArgumentParserPrefix() throws {
        let scratch = try ScratchDirectory()
        let file = try scratch.write("typo.conf", "[appserver]\nnode_nmae = x\n")
        let run = try silver(["show", file], environment: scratch.environment())
        #expect(run.status == 2)
        #expect(run.errorOutput.components(separatedBy: "error:").count == 2)
        #expect(!run.errorOutput.contains("Error:"))
        #expect(run.errorOutput.contains("\n  did you mean \"node_name\"?"))
    }

    @Test func showsTheNotesExample() throws {
        let scratch = try ScratchDirectory()
        let run = try silver(["show", Fixtures.path("foobar.conf")], environment: scratch.environment(["SILVER_HOME": scratch.path]))
        #expect(run.status == 0)
        #expect(run.output.contains("  appserver = app10.foobar.com -\n"))
        #expect(run.output.contains("  balancer = balancer.foobar.com -\n"))
        #expect(!run.output.contains("XXX"))
        #expect(run.errorOutput.contains("warning: [appserver] size: given twice"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/nodesets"), "show must not create state")
    }

    @Test func showsJSONForScripts() throws {
        let scratch = try ScratchDirectory()
        let run = try silver(["show", "--json", Fixtures.path("foobar.conf")], environment: scratch.environment(["SILVER_HOME": scratch.path]))
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        #expect(object["name"] as? String == "my-server-setup")
        #expect((object["nodes"] as? [Any])?.count == 12)
        #expect((object["provider"] as? [String: Any])?["secret"] as? String == Secret.mask)
    }

    @Test func showsAnApp() throws {
        let scratch = try ScratchDirectory()
        let run = try silver(["show", Fixtures.path("apps/blog")], environment: scratch.environment())
        #expect(run.status == 0)
        #expect(run.output.hasPrefix("app blog\n"))
        #expect(run.output.contains("service.mysql"))
    }

    @Test func neitherNodesetNorApp() throws {
        let scratch = try ScratchDirectory()
        let run = try silver(["show", "app1.example.com"], environment: scratch.environment())
        #expect(run.status == 2)
        #expect(run.errorOutput.hasPrefix("error: app1.example.com is neither a nodeset"))
    }
}

@Suite struct ShowReportTests {
    @Test func addressesFromTheStateAreShown() async throws {
        let scratch = try ScratchDirectory()
        let home = SilverHome(path: scratch.path + "/home")
        let file = try scratch.write("shop.conf", "[general]\nbase_domain = example.com\n[appserver]\nnodes = 2\n")
        let nodeset = try NodesetLoader.load(path: file, environment: scratch.environment())
        let store = try NodesetStore(home: home, nodeset: nodeset)
        try await store.save(NodeRecord(name: "app2.example.com", role: .appserver, address: "10.4.3.3", providerID: "x"))
        let report = try await ShowReport.make(argument: file, json: false, environment: scratch.environment(), home: home)
        #expect(report.output.contains("  appserver = app1.example.com -\n"))
        #expect(report.output.contains("  appserver = app2.example.com 10.4.3.3\n"))
        let json = try await ShowReport.make(argument: file, json: true, environment: scratch.environment(), home: home)
        #expect(json.output.contains("\"address\" : \"10.4.3.3\""))
    }

    @Test func appJSON() async throws {
        let report = try await ShowReport.make(argument: Fixtures.path("apps/blog"), json: true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.output.utf8)) as? [String: Any])
        #expect(object["app_name"] as? String == "blog")
        #expect(object["command"] as? String == "./serve --port $PORT")
        #expect(object["update_fetch"] as? [String] == ["/setup-stuff"])
    }
}
