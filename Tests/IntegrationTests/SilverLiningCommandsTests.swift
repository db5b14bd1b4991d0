import Foundation
import SilverLining
import Synchronization
import Testing

/// Silver Lining's commands on a local fleet (two app servers behind a balancer), through the
/// `silver` command: prev.HOST after an update, `run` with an uploaded file, `disable` and
/// `enable` under load (an update in between), `deactivate` and `activate LOCATION`.
@Suite(.serialized, .enabled(if: IntegrationEnvironment.available, IntegrationEnvironment.skipReason))
struct SilverLiningCommandsTests {
    @Test func prevRunDisableAndDeactivateOnAFleet() async throws {
        let fixture = LocalNodesetFixture("cmd")
        let (conf, nodeset) = try fixture.conf(appservers: 2, balancer: true)
        let host = "www.\(fixture.name).test"
        let v1 = try TestApp(version: "1")
        let v2 = try TestApp(version: "2")
        let local = NSTemporaryDirectory() + "silver-run-\(UUID().uuidString.prefix(8)).txt"
        defer { [v1, v2].forEach { $0.remove() }; try? FileManager.default.removeItem(atPath: local) }
        try "<p>hello is resting</p>\n".write(toFile: v2.directory + "/static/disabled.html", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: v2.directory + "/bin", withIntermediateDirectories: true)
        try """
            import os, sys
            import silversupport.env
            print("%s from %s as %s" % (open(sys.argv[1]).read().strip(), sys.argv[1], os.environ["SILVER_APP_NAME"]))
            sys.exit(int(sys.argv[2]))

            """.write(toFile: v2.directory + "/bin/check", atomically: true, encoding: .utf8)
        try "uploaded content\n".write(toFile: local, atomically: true, encoding: .utf8)
        let silver = SilverCommand(home: fixture.home.path)
        let environment = ["SILVER_HOME": fixture.home.path]

        try await fixture.run(nodeset) { _ in
            try await silver.check(["create-node", conf])
            try await silver.check(["setup-node", conf])
            try await silver.check(["update", v1.directory, conf])
            let session = try fixture.session(nodeset)
            let balancer = try #require(await session.store.all().first { $0.role == .balancer }).address
            let first = try #require(try await FleetQuery(session: session).rows(app: "hello").first?.active)
            try await silver.check(["update", v2.directory, conf])

            // prev.HOST: the instance the update replaced, through the balancer, until the next update.
            for _ in 0..<4 {
                let previous = try await Visitor.get(balancer, host: "prev." + host)
                #expect(previous.status == 200 && previous.body.contains("instance=\(first) version=1"), "\(previous)")
                #expect(try await Visitor.get(balancer, host: host).body.contains("version=2"))
            }
            #expect(try await FleetQuery(session: session).rows(app: "hello").allSatisfy { $0.previous == first })

            // run LOCATION SCRIPT FILE: bin/check gets the uploaded file; its exit status is silver's.
            let ran = try await SilverCLI.run(["run", "http://\(host)/", "check", local, "3"], environment: environment)
            #expect(ran.status == 3, "\(ran.transcript)")
            #expect(ran.text.contains("uploaded content from /var/tmp/silverlining/hello."), "\(ran.transcript)")
            #expect(ran.text.contains("as hello"))
            let onSecond = try await SilverCLI.run(
                ["run", "--node", "app2", conf, "hello", "check", local, "0"], environment: environment)
            #expect(onSecond.status == 0 && onSecond.text.contains("uploaded content"), "\(onSecond.transcript)")
            let command = try await SilverCLI.run(["run", "--user", "root", conf, "hello", "--", "sh", "-c", "id -u; exit 4"], environment: environment)
            #expect(command.status == 4 && command.text == "0\n", "\(command.transcript)")

            try await disableUnderLoad(silver: silver, conf: conf, session: session, balancer: balancer, host: host, redeploy: v1)

            // deactivate: 404 with Silver Lining's page, prev. too; activate LOCATION serves it again.
            try await silver.check(["deactivate", conf, "http://\(host)/"])
            let gone = try await Visitor.get(balancer, host: host)
            #expect(gone.status == 404 && gone.body.contains("<h1>Not Found</h1>"), "\(gone)")
            #expect(try await Visitor.get(balancer, host: "prev." + host).status == 404)
            #expect(try await BalancerView.waitUntilAllReady(session, app: "hello", deadline: .seconds(5)), "the app servers stay in the balancer")
            try await silver.check(["activate", conf, "http://\(host)/"])
            let back = try await Visitor.get(balancer, host: host)
            #expect(back.status == 200 && back.body.contains("version=1"), "\(back)")
            #expect(try await Visitor.get(balancer, host: "prev." + host).status == 404, "prev. stays gone until the next update")
        }
        #expect(LocalLeftovers.of(nodeset: fixture.name).isEmpty)
    }

    /// Visitors through the balancer while the app is disabled, redeployed while disabled, and
    /// enabled: the maintenance page exactly while it is disabled, and no connection fails.
    func disableUnderLoad(
        silver: SilverCommand, conf: String, session: NodesetSession, balancer: String, host: String, redeploy: TestApp
    ) async throws {
        let load = LoadSampler(address: balancer, host: host)
        let sampling = Task { await load.run(clients: 4) }
        try await Task.sleep(for: .seconds(2))
        let disabling = Date()
        try await silver.check(["disable", conf, "--by-name", "hello"])
        let disabled = Date()
        let page = try await CommandRunner().check(Command("curl", ["-s", "-i", "-H", "Host: \(host)", "http://\(balancer)/"])).text
        #expect(page.hasPrefix("HTTP/1.1 503") && page.lowercased().contains("retry-after: 120") && page.contains("<p>hello is resting</p>"), "\(page)")
        let query = try await SilverCLI.run(["query", conf, "hello", "--json"], environment: ["SILVER_HOME": silver.home])
        #expect(query.text.contains("\"disabled\" : true") && !query.text.contains("\"disabled\" : false"), "\(query.transcript)")
        #expect(try await BalancerView.states(session, app: "hello").values.allSatisfy { $0 == "ready" })

        try await silver.check(["update", redeploy.directory, conf])
        try await Task.sleep(for: .seconds(2))
        let enabling = Date()
        try await silver.check(["enable", "--by-location", "\(host)/"])
        let enabled = Date()
        try await Task.sleep(for: .seconds(2))
        load.stop()
        await sampling.value

        let samples = load.samples
        print("disable under load: \(samples.count) requests, \(samples.filter { $0.status == 503 }.count) maintenance pages")
        #expect(samples.allSatisfy { $0.status != 0 }, "no connection failed: \(samples.filter { $0.status == 0 })")
        #expect(samples.filter { $0.answered < disabling }.allSatisfy { $0.status == 200 })
        #expect(samples.filter { $0.at > disabled && $0.answered < enabling }.allSatisfy { $0.status == 503 }, "disabled throughout, the update too")
        #expect(samples.filter { $0.at > disabled && $0.answered < enabling }.count > 20)
        #expect(samples.filter { $0.at > enabled }.allSatisfy { $0.status == 200 && $0.body.contains("version=1") })
    }
}

/// Visitors that keep asking through the balancer until stopped, each answer timed.
final class LoadSampler: Sendable {
    struct Sample: Sendable {
        /// When the request was sent and when its answer came: a request in flight while
        /// the app is disabled may be answered either way.
        var at: Date
        var answered: Date
        /// 0: the connection failed.
        var status: Int
        var body: String
    }

    let address: String
    let host: String
    private let state = Mutex<(stopped: Bool, samples: [Sample])>((false, []))

    init(address: String, host: String) {
        self.address = address
        self.host = host
    }

    var samples: [Sample] { state.withLock { $0.samples } }
    func stop() { state.withLock { $0.stopped = true } }

    func run(clients: Int) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    while !self.state.withLock({ $0.stopped }) {
                        let started = Date()
                        let answer = try? await Visitor.get(self.address, host: self.host)
                        let sample = Sample(at: started, answered: Date(), status: answer?.status ?? 0, body: answer?.body ?? "")
                        self.state.withLock { $0.samples.append(sample) }
                    }
                }
            }
        }
    }
}
