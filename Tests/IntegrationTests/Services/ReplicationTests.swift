import Foundation
import SilverLining
import Synchronization
import Testing

/// Database replicas on real local nodes, both engines: two app servers behind a balancer,
/// `[service:mysql] nodes = 2` and `[service:postgresql] nodes = 2`, one writer app on each.
/// Under continuous writes the primary loses its power; `silver failover` promotes the
/// replica; every write that returned 200 is on it; the app serves again through the
/// balancer; the old primary comes back fenced and setup-node makes it a replica that
/// catches up. Then a replica down does not stop an update, and a primary down does.
@Suite(.serialized, .enabled(if: IntegrationEnvironment.available, IntegrationEnvironment.skipReason), ReplicationNodeset())
struct ReplicationTests {
    @Test func mariaDBFailsOverWithoutLosingAWrite() async throws {
        try await exercise(.mysql, app: "wmy", host: "www")
    }

    @Test func postgreSQLFailsOverWithoutLosingAWrite() async throws {
        try await exercise(.postgresql, app: "wpg", host: "pg")
    }

    func exercise(_ kind: ServiceKind, app name: String, host prefix: String) async throws {
        let shared = try ReplicationNodeset.shared()
        var session = shared.session
        let host = "\(prefix).\(session.nodeset.name).test"
        let balancer = try #require(shared.nodes(.balancer).first).address
        let service = DatabaseService.of(kind)!
        let versions = try (2...3).map { try WriterApp(name: name, service: kind, version: String($0)) }
        defer { versions.forEach { $0.remove() } }
        let (first, second) = (shared.nodes(.service(kind.rawValue))[0], shared.nodes(.service(kind.rawValue))[1])

        // Deployed (by the suite) against the primary, told of the replica, which replicates.
        let environment = try await AppServerCommands(session: session, app: name).environment()
        #expect(environment.contains(EnvironmentVariable(name: "CONFIG_\(service.engine.variablePrefix)_HOST", value: first.address)))
        #expect(environment.contains(EnvironmentVariable(name: service.engine.replicasVariable, value: "\(second.address):\(service.engine.port)")))
        try await expectRoles(kind, ["primary", "replica"], states: ["writable", "replicating"], session: session)

        // Continuous writes; the primary loses its power; failover right away, as `silver` is run.
        let load = WriteLoad(balancer: balancer, host: host)
        let writing = Task { await load.run() }
        _ = try await load.waitForSuccess(after: .now)
        try await Task.sleep(for: .seconds(3))
        try LocalLeftovers.powerOff(node: first.name, nodeset: session.nodeset.name)
        let powerCut = ContinuousClock.now
        let promoted = Mutex<ContinuousClock.Instant?>(nil)
        let failover = try await CommandRunner().run(
            Command(SilverCLI.binary, ["failover", shared.file, kind.rawValue, "--yes"]), environment: ["SILVER_HOME": shared.home]
        ) { _, line in
            if line.contains("now the primary of") { promoted.withLock { $0 = $0 ?? .now } }
        }
        let failoverEnded = ContinuousClock.now
        #expect(failover.status == 0, "\(failover.transcript)")
        // The command recorded the new primary in the nodeset's state: read it again.
        session = try shared.reopened()
        let back = try await load.waitForSuccess(after: powerCut, on: second.address)
        try await Task.sleep(for: .seconds(3))
        load.stop()
        await writing.value
        let promotion = try #require(promoted.withLock { $0 })

        // Every write that returned 200 is on the new primary.
        let stored = Set(try await rows(kind, on: second, app: name, session: session))
        let acknowledged = load.acknowledged
        let lost = acknowledged.filter { !stored.contains($0) }
        #expect(lost.isEmpty, "writes acknowledged but not on \(second.name): \(lost.prefix(20))")
        #expect(acknowledged.count > 20, "the load wrote: \(acknowledged.count) acknowledged of \(load.all.count)")
        let (status, body) = try await Visitor.get(balancer, host: host)
        #expect(status == 200 && body.contains("host=\(second.address)"), "\(status) \(body)")
        print("""
            FIGURES \(kind.rawValue): \(acknowledged.count) writes acknowledged of \(load.all.count), lost \(lost.count); \
            no working primary for \(seconds(powerCut, back)) s (power cut to the first write acknowledged by \(second.name)); \
            silver failover took \(seconds(powerCut, failoverEnded)) s, promoting \(second.name) \(seconds(powerCut, promotion)) s in; \
            the first restarted instance wrote to the new primary \(seconds(promotion, back)) s after it was promoted
            """)

        // The old primary comes back fenced: read-only, in no app's environment.
        try await NodeCreation(session: session).run(names: [first.name])
        let fenced = try await isReadOnly(kind, first, session: session)
        let boot = fenced ? "" : (try? await session.output("journalctl", ["-b", "-n", "40", "--no-pager", "-o", "short-monotonic", "-u", "mariadb", "-u", "postgresql@15-main"], on: first.name)) ?? ""
        #expect(fenced, "\(first.name) came back read-only; its database's boot:\n\(boot)")
        let rewritten = try await AppServerCommands(session: session, app: name).environment()
        #expect(!rewritten.contains { $0.value.contains(first.address) }, "\(rewritten.map(\.name))")
        try await expectRoles(kind, ["fenced", "primary"], states: nil, session: session)

        // setup-node makes it a replica of the new primary, and it catches up.
        try await NodeSetup(session: session, localHostsFile: "/dev/null").run()
        try await expectRoles(kind, ["replica", "primary"], states: ["replicating", "writable"], session: session)
        let caughtUp = await poll(every: .milliseconds(500), deadline: .seconds(60)) {
            (try? await rows(kind, on: first, app: name, session: session).count) == stored.count
        }
        #expect(caughtUp, "\(first.name) has every row of \(second.name)")

        // A backup reads from the replica.
        let lines = LineLog()
        let watched = try NodesetSession(
            nodeset: session.nodeset, provider: LocalProvider(), home: SilverHome(path: shared.home), console: Console { _, text in lines.append(text) })
        let backup = NSTemporaryDirectory() + "silver-replica-backup-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: backup) }
        #expect(try await ServiceBackup(context: try await ServiceContext.open(session: watched)).backup(app: .name(name), to: backup) == [kind])
        try await lines.wait(for: "from \(first.name) (a replica)", deadline: .seconds(1))
        #expect(FileManager.default.fileExists(atPath: BackupLayout.path(for: kind, in: backup)))

        // A replica down does not stop an update, and the app writes on: commits wait for the
        // lost replica's answer for the semi-synchronous timeout (10 s) once, then go on without it.
        try LocalLeftovers.powerOff(node: first.name, nodeset: session.nodeset.name)
        let replicaLost = ContinuousClock.now
        let v2 = try await Update(session: session, app: try versions[0].load()).run()
        let updated = ContinuousClock.now
        var writesAgain: ContinuousClock.Instant?
        for id in 90_000_000..<90_000_100 where writesAgain == nil && replicaLost.duration(to: .now) < .seconds(60) {
            if try await Visitor.get(balancer, host: host, path: "/write?id=\(id)").status == 200 { writesAgain = .now }
        }
        let wrote = try #require(writesAgain, "a write succeeds with the replica down")
        #expect(try await Visitor.get(balancer, host: host).body.contains("version=2"))
        print("FIGURES \(kind.rawValue), replica's power cut: update took \(seconds(replicaLost, updated)) s; a write succeeded \(seconds(replicaLost, wrote)) s after the cut")
        try await NodeCreation(session: session).run(names: [first.name])

        // A primary down stops an update before anything is uploaded, naming it and failover.
        try LocalLeftovers.powerOff(node: second.name, nodeset: session.nodeset.name)
        let update = Update(session: session, app: try versions[1].load())
        let refused = await #expect(throws: ServiceError.self) { try await update.run() }
        let message = refused.map { String(describing: $0) } ?? ""
        #expect(message.contains(second.name) && message.contains("silver failover"), "\(message)")
        for node in shared.nodes(.appserver) {
            let instances = try await session.output("ls", ["/var/www"], on: node.name)
            #expect(instances.split(separator: "\n").filter { $0.hasPrefix(name + ".") }.max().map(String.init) == v2.instance,
                "no instance newer than \(v2.instance) on \(node.name): \(instances)")
        }
        try await NodeCreation(session: session).run(names: [second.name])
    }

    func seconds(_ from: ContinuousClock.Instant, _ to: ContinuousClock.Instant) -> String {
        String(format: "%.1f", Double(from.duration(to: to).components.seconds) + Double(from.duration(to: to).components.attoseconds) / 1e18)
    }

    /// The ids in the app's table on `node`, read as the database's administrator there.
    func rows(_ kind: ServiceKind, on node: NodeRecord, app: String, session: NodesetSession) async throws -> [Int] {
        let engine = DatabaseService.of(kind)!.engine
        let result = try await session.ssh.check(engine.admin("SELECT id FROM writes;\n", database: app, step: "read the writes"), on: node.reach)
        return result.text.split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    func isReadOnly(_ kind: ServiceKind, _ node: NodeRecord, session: NodesetSession) async throws -> Bool {
        let state = await poll(every: .milliseconds(500), deadline: .seconds(60)) { () -> ReplicaState? in
            try? await DatabaseService.of(kind)!.engine.state(of: node, context: try ServiceContext.open(session: session))
        }
        return state.map { !$0.writable } ?? false
    }

    /// `silver query`'s database rows for the service, in node order.
    func expectRoles(_ kind: ServiceKind, _ roles: [String], states: [String]?, session: NodesetSession) async throws {
        let rows = try await DatabaseQuery(session: session).rows().filter { $0.service == kind.rawValue }
        #expect(rows.map(\.role) == roles, "\(rows)")
        if let states { #expect(zip(rows, states).allSatisfy { $0.state.hasPrefix($1) }, "\(rows)") }
    }
}

/// The replication suite's nodeset, as a user writes it, created and set up once.
struct ReplicationNodeset: SuiteTrait, TestScoping {
    @TaskLocal static var current: Shared?

    struct Shared: Sendable {
        var session: NodesetSession
        var file: String
        var home: String

        func nodes(_ role: Role) -> [NodeRecord] {
            // Recorded at creation; addresses do not change when a node restarts.
            session.nodeset.nodes(in: role).compactMap { spec in records.first { $0.name == spec.name } }
        }

        var records: [NodeRecord]

        /// A session that reads the nodeset's state afresh, after a `silver` command changed it.
        func reopened() throws -> NodesetSession {
            try NodesetSession(nodeset: session.nodeset, provider: LocalProvider(), home: SilverHome(path: home))
        }
    }

    var isRecursive: Bool { false }

    func scopeProvider(for test: Test, testCase: Test.Case?) -> ReplicationNodeset? {
        test.isSuite ? self : nil
    }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        guard IntegrationEnvironment.available else { return try await function() }
        let fixture = LocalNodesetFixture("rep")
        let domain = "\(fixture.name).test"
        try FileManager.default.createDirectory(atPath: fixture.home.path, withIntermediateDirectories: true)
        let path = fixture.home.path + "/\(fixture.name).conf"
        try """
            [general]
            name = \(fixture.name)
            base_domain = \(domain)
            set_etc_hosts = false

            [appserver]
            locations =
                http://www.\(domain)/ wmy
                http://pg.\(domain)/ wpg
            nodes = 2

            [service:mysql]
            nodes = 2

            [service:postgresql]
            nodes = 2

            [balancer]
            hostnames = www.\(domain) pg.\(domain)

            """.write(toFile: path, atomically: true, encoding: .utf8)
        let nodeset = try NodesetLoader.load(path: path)
        let apps = try [("wmy", ServiceKind.mysql), ("wpg", .postgresql)].map { try WriterApp(name: $0, service: $1, version: "1") }
        defer { apps.forEach { $0.remove() } }
        try await fixture.run(nodeset) { session in
            try await NodeCreation(session: session).run()
            try await NodeSetup(session: session, localHostsFile: "/dev/null").run()
            // Both, since the balancer takes an app server into rotation once it serves every location.
            for app in apps { _ = try await Update(session: session, app: try app.load()).run() }
            let shared = Shared(session: session, file: path, home: fixture.home.path, records: await session.store.all())
            try await ReplicationNodeset.$current.withValue(shared) { try await function() }
        }
        let leftovers = LocalLeftovers.of(nodeset: nodeset.name)
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    static func shared() throws -> Shared {
        guard let current else { throw TestFailure("the replication nodeset is not set up") }
        return current
    }
}
