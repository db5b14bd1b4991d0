import Foundation
import Testing

@testable import SilverNode

/// What a database node decides as its server starts, with peers that are shell scripts
/// answering as MariaDB's or PostgreSQL's client would.
@Suite struct DatabaseBootTests {
    let root: TemporaryRoot

    init() throws {
        root = try TemporaryRoot()
        try SecretStore(paths: root.paths).keep("s3cret", named: "replication/mysql")
    }

    /// A peer whose client prints `answer`, only when handed the replication password.
    func peer(_ name: String, answers answer: String) -> DatabaseBootPlan.Peer {
        DatabaseBootPlan.Peer(
            node: name, check: NodeCommand(Command("/bin/sh", ["-c", "test \"$MYSQL_PWD\" = s3cret && echo \(answer)"], input: "SELECT @@read_only;\n")))
    }

    func plan(primary: Bool, peers: [DatabaseBootPlan.Peer], wait: Int = 2) -> DatabaseBootPlan {
        DatabaseBootPlan(
            service: "mysql", primary: primary, peers: peers, secret: "replication/mysql", passwordVariable: "MYSQL_PWD", primaryAnswer: "0",
            peerWaitSeconds: wait, fenceFiles: [PlannedFile("/data/standby.signal", content: "", mode: 0o600)],
            confirm: [NodeCommand(Command("/bin/sh", ["-c", "touch \"$0\"", root.full("/confirmed")]))])
    }

    @Test("a primary that finds another primary stays read-only and writes its fence files")
    func fencesItself() async throws {
        let outcome = try await DatabaseBoot(paths: root.paths).run(plan(primary: true, peers: [peer("b", answers: "1"), peer("c", answers: "0")]))
        #expect(outcome == .fenced(peer: "c"))
        #expect(root.exists("/data/standby.signal") && root.mode("/data/standby.signal") == 0o600)
        #expect(!root.exists("/confirmed"))
    }

    @Test("a primary that finds none, or cannot reach them, is made writable")
    func confirms() async throws {
        let boot = DatabaseBoot(paths: root.paths)
        let unreachable = DatabaseBootPlan.Peer(node: "d", check: NodeCommand(Command("/bin/sh", ["-c", "exit 1"])))
        #expect(try await boot.run(plan(primary: true, peers: [peer("b", answers: "1"), unreachable])) == .primary)
        #expect(root.exists("/confirmed") && !root.exists("/data/standby.signal"))
    }

    @Test("a primary that cannot read the replication password stays read-only rather than guess")
    func withoutTheSecret() async throws {
        try FileSystem.remove(root.full("/var/lib/silverlining/secrets/replication/mysql"))
        #expect(try await DatabaseBoot(paths: root.paths).run(plan(primary: true, peers: [peer("b", answers: "1")])) == .unconfirmed)
        #expect(root.exists("/data/standby.signal") && !root.exists("/confirmed"))
        // Alone, there is no one to ask: it is the primary.
        #expect(try await DatabaseBoot(paths: root.paths).run(plan(primary: true, peers: [])) == .primary)
        #expect(root.exists("/confirmed"))
    }

    @Test("a peer that cannot be asked yet, early in boot, is asked again until it answers")
    func asksAgain() async throws {
        // Fails the first time it is run, then answers as a primary.
        let late = DatabaseBootPlan.Peer(node: "late", check: NodeCommand(Command("/bin/sh", [
            "-c", "if [ -e \"$0\" ]; then echo 0; else touch \"$0\"; exit 1; fi", root.full("/asked"),
        ])))
        #expect(try await DatabaseBoot(paths: root.paths).run(plan(primary: true, peers: [late], wait: 30)) == .fenced(peer: "late"),
            "on a busy machine the first try alone may take the 2 s the other tests allow")
    }

    @Test("a replica decides nothing; the plan is read from the file silver wrote")
    func replicaAndFile() async throws {
        let encoded = try JSONEncoder().encode(plan(primary: false, peers: [peer("b", answers: "0")]))
        try root.write("/etc/silverlining/databases/mysql.json", String(decoding: encoded, as: UTF8.self))
        #expect(try await DatabaseBoot(paths: root.paths).run(planAt: "/etc/silverlining/databases/mysql.json") == .replica)
        #expect(!root.exists("/confirmed") && !root.exists("/data/standby.signal"))
    }

    @Test("the replication password is kept once per node, replaced when another is given, and listed by folder")
    func secretsAreKeptAndListed() throws {
        let store = SecretStore(paths: root.paths)
        try store.keep("other", named: "replication/mysql")
        _ = try store.secret(named: "mysql/blog")
        #expect(try store.existing(named: "replication/mysql") == "other")
        #expect(try store.existing(named: "mysql/wiki") == nil)
        #expect(try store.all(in: "mysql").keys.sorted() == ["mysql/blog"])
        #expect(root.mode("/var/lib/silverlining/secrets/replication/mysql") == 0o600)
        #expect(throws: AgentError.self) { try store.keep("two\nlines", named: "mysql/blog") }
    }
}
