import Foundation
import Synchronization
import Testing

@testable import SilverLining

/// Nodesets made before silver named a lone service node as the note does keep working.
@Suite struct KeptNodeNamesTests {
    let scratch: ScratchDirectory

    init() throws { scratch = try ScratchDirectory() }

    func record(_ name: String, _ role: Role) -> NodeRecord { NodeRecord(name: name, role: role, address: "10.0.0.9", providerID: name) }

    @Test("a node recorded under its former name keeps it; one recorded under the new name, or another role's, does not")
    func keeps() throws {
        let nodeset = try scratch.nodeset("[general]\nbase_domain = example.com\n[appserver]\n[service:mysql]\n")
        let mysql = Role.service("mysql")
        let (kept, renamed) = KeptNodeNames.apply(to: nodeset, recorded: [record("mysql1.example.com", mysql)])
        #expect(kept.nodes(in: mysql).map(\.name) == ["mysql1.example.com"])
        #expect(renamed.map(\.kept) == ["mysql1.example.com"] && renamed.map(\.now) == ["mysql.example.com"])
        let both = KeptNodeNames.apply(to: nodeset, recorded: [record("mysql1.example.com", mysql), record("mysql.example.com", mysql)])
        #expect(both.nodeset.nodes(in: mysql).map(\.name) == ["mysql.example.com"] && both.kept.isEmpty)
        let other = KeptNodeNames.apply(to: nodeset, recorded: [record("mysql1.example.com", .appserver)])
        #expect(other.nodeset.nodes(in: mysql).map(\.name) == ["mysql.example.com"])
        #expect(KeptNodeNames.apply(to: nodeset, recorded: []).kept.isEmpty, "a new nodeset takes the new names")
    }

    @Test("the lone node that gains a sibling stays what it was; the sibling is numbered")
    func growing() throws {
        let nodeset = try scratch.nodeset("[general]\nbase_domain = example.com\n[appserver]\n[service:postgresql]\nnodes = 2\n")
        let role = Role.service("postgresql")
        let (kept, _) = KeptNodeNames.apply(to: nodeset, recorded: [record("postgresql.example.com", role)])
        #expect(kept.nodes(in: role).map(\.name) == ["postgresql.example.com", "postgresql2.example.com"])
    }

    @Test("opening the nodeset says so once, with how to rename, and the session uses the kept name")
    func saidOnce() async throws {
        let file = try scratch.write("shop.conf", "[general]\nbase_domain = example.com\n[appserver]\n[service:mysql]\n")
        let nodeset = try NodesetLoader.load(path: file, environment: scratch.environment())
        let home = SilverHome(path: scratch.path + "/home")
        try await NodesetStore(home: home, nodeset: nodeset).save(record("mysql1.example.com", .service("mysql")))
        let printed = Mutex("")
        let console = Console { _, text in printed.withLock { $0 += text } }
        let session = try NodesetSession(nodeset: nodeset, provider: StaticProvider(), home: home, console: console)
        #expect(session.nodeset.nodes(in: .service("mysql")).map(\.name) == ["mysql1.example.com"])
        let said = printed.withLock { $0 }
        #expect(said.contains("mysql1.example.com keeps the name it was created under"))
        #expect(said.contains("node_name = mysql1.example.com") && said.contains("silver delete-node \(file) --force"))
        _ = try NodesetSession(nodeset: nodeset, provider: StaticProvider(), home: home, console: console)
        #expect(printed.withLock { $0 } == said, "not said a second time")
        let shown = try await ShowReport.make(argument: file, json: false, environment: scratch.environment(), home: home)
        #expect(shown.output.contains("service.mysql = mysql1.example.com 10.0.0.9"))
    }
}
