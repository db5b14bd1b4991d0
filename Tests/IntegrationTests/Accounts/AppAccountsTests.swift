import Foundation
import SilverLining
import Synchronization
import Testing

/// One user per app, on real local nodes: two apps on the same two app servers behind a
/// balancer, each with `files` and `writable_root`, the second with a deployment
/// configuration. Each app's own process can open what is its own and nothing of the
/// other's; nginx still serves both apps' static files and writable roots. Then one app is
/// put back as silver ran it before apps had accounts (as `www-data`, under the former
/// unit), and setup-node moves it to its user while requests keep flowing, with none lost.
@Suite(.serialized, .enabled(if: IntegrationEnvironment.available, IntegrationEnvironment.skipReason))
struct AppAccountsTests {
    @Test func eachAppReadsOnlyItsOwnAndAnOlderNodeMovesOverWithoutARequestLost() async throws {
        let fixture = LocalNodesetFixture("acct")
        let host = "www.\(fixture.name).test"
        let nodeset = fixture.nodeset(
            appservers: 2, balancer: true,
            locations: [Location(url: "http://\(host)/", appName: "alpha"), Location(url: "http://\(host)/beta/", appName: "beta")])
        let alpha = try IsolatedApp(name: "alpha")
        let beta = try IsolatedApp(name: "beta")
        let config = NSTemporaryDirectory() + "silver-beta-config-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
        try "password = beta-only\n".write(toFile: config + "/settings.ini", atomically: true, encoding: .utf8)
        defer {
            alpha.remove()
            beta.remove()
            try? FileManager.default.removeItem(atPath: config)
        }
        try await fixture.run(nodeset) { session in
            try await NodeCreation(session: session).run()
            try await NodeSetup(session: session, localHostsFile: "/dev/null").run()
            let a = try await Update(session: session, app: try alpha.load()).run().instance
            var update = Update(session: session, app: try beta.load())
            update.configDirectory = config
            let b = try await update.run().instance
            let site = Site(session: session, host: host, balancer: try #require(nodeset.nodes(in: .balancer).first).name)
            let nodes = nodeset.nodes(in: .appserver).map(\.name)

            try await Isolation(session: session, site: site, nodes: nodes).check(alpha: a, beta: b)
            try await Migration(session: session, site: site, nodes: nodes).check(alpha: a)
        }
        #expect(LocalLeftovers.of(nodeset: nodeset.name).isEmpty)
    }
}

/// Requests through the balancer to the two apps.
struct Site {
    var session: NodesetSession
    var host: String
    var balancer: String

    func get(_ path: String) async throws -> (status: Int, body: String) {
        guard let address = await session.store.record(named: balancer)?.address else { throw TestFailure("no balancer") }
        return try await Visitor.get(address, host: host, path: path)
    }

    /// The body of a 200 answer, or a failed expectation.
    func body(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let (status, body) = try await get(path)
        #expect(status == 200, "\(path): HTTP \(status) \(body)", sourceLocation: sourceLocation)
        return body.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct Isolation {
    var session: NodesetSession
    var site: Site
    var nodes: [String]

    func check(alpha a: String, beta b: String) async throws {
        // Each app runs as its own user, and both still answer, static files included.
        #expect(try await site.body("/") == "app=alpha user=silver-alpha")
        #expect(try await site.body("/beta/") == "app=beta user=silver-beta")
        #expect(try await site.body("/hello.txt") == "static alpha")
        #expect(try await site.body("/beta/hello.txt") == "static beta")

        // What each app writes into its writable root, nginx serves (each app server has its
        // own: the file is written on both, as the app's user, the way `silver run` runs).
        for node in nodes {
            try await asApp("alpha", "echo writable alpha > \"$CONFIG_WRITABLE_ROOT/w.txt\"", on: node)
            try await asApp("beta", "echo writable beta > \"$CONFIG_WRITABLE_ROOT/w.txt\"", on: node)
            try await asApp("beta", "echo mine > \"$CONFIG_FILES/own.txt\"", on: node)
        }
        #expect(try await site.body("/w.txt") == "writable alpha")
        #expect(try await site.body("/beta/w.txt") == "writable beta")

        // beta's things, which alpha's own serving process must not open; and beta's own.
        let betas = [
            "/var/lib/silverlining/instances/\(b).env", "/var/lib/silverlining/apps/beta", "/var/lib/silverlining/apps/beta/own.txt",
            "/var/log/silverlining/apps/\(b).log", "/var/www/\(b)", "/var/www/\(b)/app.py", "/var/tmp/silverlining/\(b)",
            "/var/lib/silverlining/configs/beta", "/var/lib/silverlining/configs/beta/settings.ini",
            "/var/lib/silverlining/writable-roots/beta",
        ]
        for path in betas {
            #expect(try await site.body("/probe?\(path)").hasPrefix("denied EACCES"), "alpha opened \(path)")
            #expect(try await site.body("/beta/probe?\(path)") == "open", "beta could not open its own \(path)")
        }
        for path in ["/var/lib/silverlining/instances/\(a).env", "/var/log/silverlining/apps/\(a).log", "/var/lib/silverlining/apps/alpha",
            "/var/www/\(a)/app.py", AppRuntime.secretPath]
        {
            #expect(try await site.body("/probe?\(path)") == "open", "alpha could not open its own \(path)")
        }
        #expect(try await site.body("/beta/probe?\(AppRuntime.secretPath)") == "open", "every app reads the nodeset's secret")

        for node in nodes {
            // `silver run`'s way (the agent's exec) is alpha's user too, with the same limits.
            let envB = "/var/lib/silverlining/instances/\(b).env"
            #expect(try await asApp("alpha", "id -un", on: node) == "silver-alpha")
            #expect(try await runs("alpha", "cat \(envB)", on: node) == false)
            #expect(try await runs("alpha", "ls /var/lib/silverlining/apps/beta", on: node) == false)
            #expect(try await runs("beta", "cat \(envB)", on: node) == true)
            // nginx's user serves both apps but reads no password and no app's files.
            let asWebServer = { (path: String) in
                try await session.ssh.run(Command("runuser", ["-u", "www-data", "--", "cat", path]), on: try await reach(node)).succeeded
            }
            #expect(try await asWebServer(envB) == false)
            #expect(try await asWebServer("/var/lib/silverlining/apps/beta/own.txt") == false)
            #expect(try await asWebServer("/var/www/\(b)/static/hello.txt") == true)

            // Owners and modes as the node has them.
            let stat = { (path: String) in try await session.output("stat", ["-c", "%U:%G %a", path], on: node) }
            #expect(try await stat(envB) == "silver-beta:silver-beta 600")
            #expect(try await stat("/var/log/silverlining/apps/\(b).log") == "silver-beta:silver-beta 600")
            #expect(try await stat("/var/www/\(b)") == "root:silver-beta 750")
            #expect(try await stat("/var/www/\(b)/static/hello.txt") == "root:silver-beta 640")
            #expect(try await stat("/var/tmp/silverlining/\(b)") == "silver-beta:silver-beta 700")
            #expect(try await stat("/var/lib/silverlining/apps/beta") == "silver-beta:silver-beta 700")
            #expect(try await stat("/var/lib/silverlining/writable-roots/beta") == "silver-beta:silver-beta 750")
            #expect(try await stat("/var/lib/silverlining/configs/beta/settings.ini") == "silver-beta:silver-beta 600")
            #expect(try await stat(AppRuntime.secretPath) == "root:silverapps 640")
            #expect(try await session.output("id", ["-nG", "www-data"], on: node).split(separator: " ").contains("silver-beta"))
            #expect(try await session.output("getent", ["passwd", "silver-beta"], on: node).hasSuffix(":/var/www:/usr/sbin/nologin"))
        }
    }

    func reach(_ node: String) async throws -> NodeAddress {
        guard let record = await session.store.record(named: node) else { throw TestFailure("\(node) is not recorded") }
        return record.reach
    }

    /// `silver run`'s command on the node: the agent's exec in the app's active instance.
    func exec(_ app: String, _ script: String, on node: String) async throws -> CommandResult {
        let agent = NodeAgent(ssh: session.ssh, binary: try AgentBinary.locate())
        return try await agent.run(try agent.command("exec", ["--app", app, "--", "/bin/sh", "-c", script]), on: try await reach(node))
    }

    @discardableResult
    func asApp(_ app: String, _ script: String, on node: String) async throws -> String {
        let result = try await exec(app, script, on: node)
        guard result.succeeded else { throw TestFailure("\(script) as \(app) on \(node): \(result.transcript)") }
        return result.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func runs(_ app: String, _ script: String, on node: String) async throws -> Bool {
        try await exec(app, script + " > /dev/null", on: node).succeeded
    }
}

/// An app put back as silver ran it before apps had accounts, then setup-node under load.
struct Migration {
    var session: NodesetSession
    var site: Site
    var nodes: [String]

    /// The instance template as silver wrote it then: every app as `www-data`.
    static let formerTemplate = """
        [Unit]
        Description=silver app instance %i
        After=network.target

        [Service]
        Type=simple
        User=www-data
        Group=www-data
        WorkingDirectory=/var/www/%i
        ExecStart=\(NodeLayout.agent) serve %i
        ExecStop=\(NodeLayout.agent) stop-process $MAINPID
        Restart=on-failure
        RestartSec=1
        TimeoutStopSec=30
        StandardOutput=append:/var/log/silverlining/apps/%i.log
        StandardError=append:/var/log/silverlining/apps/%i.log

        """

    /// Owners and modes as the former agent left them, the former unit running the instance,
    /// no account for the app and no current template.
    static let former = #"""
        set -e
        app=$1 instance=$2
        cat > /etc/systemd/system/silver-app@.service
        systemctl stop "silver-instance@$instance.service"
        chown -R root:root "/var/www/$instance" && chmod -R go+rX "/var/www/$instance"
        chown root:www-data /var/lib/silverlining/instances && chmod 750 /var/lib/silverlining/instances
        chown root:www-data "/var/lib/silverlining/instances/$instance.env" && chmod 640 "/var/lib/silverlining/instances/$instance.env"
        chown root:root "/var/log/silverlining/apps/$instance.log" && chmod 644 "/var/log/silverlining/apps/$instance.log"
        chown -R www-data:www-data "/var/tmp/silverlining/$instance" "/var/lib/silverlining/apps/$app" "/var/lib/silverlining/writable-roots/$app"
        chmod 750 "/var/lib/silverlining/apps/$app" && chmod 755 "/var/lib/silverlining/writable-roots/$app"
        chown root:www-data /var/lib/silverlining/secret.txt
        rm /etc/systemd/system/silver-instance@.service
        systemctl daemon-reload
        systemctl start "silver-app@$instance.service"
        gpasswd -d www-data "silver-$app" > /dev/null
        userdel "silver-$app"
        systemctl reload nginx
        """#

    func check(alpha a: String) async throws {
        for node in nodes {
            try await session.ssh.check(
                Command("/bin/sh", ["-c", Self.former, "sh", "alpha", a], input: Self.formerTemplate, step: "put alpha back as it was"),
                on: try await reach(node))
        }
        try await waitFor("app=alpha user=www-data")

        let load = Load(site: site, paths: ["/", "/hello.txt", "/w.txt", "/beta/", "/beta/hello.txt"])
        let running = Task { await load.run() }
        try await load.waitFor(requests: load.paths.count)
        let before = load.requests
        let changes = try await NodeSetup(session: session, localHostsFile: "/dev/null").run()
        let during = load.requests - before
        // A full round of requests after the move as well, however slow the machine is.
        try await load.waitFor(requests: load.requests + load.paths.count)
        load.stop()
        let outcome = await running.value
        #expect(outcome.failures.isEmpty, "requests failed while setup-node moved alpha: \(outcome.failures.prefix(10))")
        #expect(during > 0, "requests went on while setup-node moved alpha: \(during) of \(outcome.requests)")
        for node in nodes {
            let said = changes[node] ?? []
            #expect(said.contains("made user silver-alpha for alpha"), "\(said)")
            #expect(said.contains("moved \(a) to its app's user"), "\(said)")
            #expect(said.contains("removed \(NodeLayout.formerUnitPath)"), "\(said)")
            #expect(try await session.output("systemctl", ["is-active", "silver-instance@\(a).service"], on: node) == "active")
            let former = try await session.ssh.run(Command("systemctl", ["is-active", "silver-app@\(a).service"]), on: try await reach(node))
            #expect(former.text.trimmingCharacters(in: .whitespacesAndNewlines) == "inactive")
            let pid = try await session.output("systemctl", ["show", "-p", "MainPID", "--value", "silver-instance@\(a).service"], on: node)
            #expect(try await session.output("stat", ["-c", "%U", "/proc/\(pid)"], on: node) == "silver-alpha")
            let stat = { (path: String) in try await session.output("stat", ["-c", "%U:%G %a", path], on: node) }
            #expect(try await stat("/var/lib/silverlining/instances/\(a).env") == "silver-alpha:silver-alpha 600")
            #expect(try await stat("/var/www/\(a)") == "root:silver-alpha 750")
            #expect(try await stat("/var/lib/silverlining/apps/alpha") == "silver-alpha:silver-alpha 700")
            #expect(try await stat("/var/lib/silverlining/writable-roots/alpha/w.txt") == "silver-alpha:silver-alpha 644")
            #expect(try await stat("/var/log/silverlining/apps/\(a).log") == "silver-alpha:silver-alpha 600")
            #expect(try await stat(AppRuntime.secretPath) == "root:silverapps 640")
        }
        #expect(try await site.body("/") == "app=alpha user=silver-alpha")
        #expect(try await site.body("/w.txt") == "writable alpha")
        #expect(try await site.body("/probe?/var/lib/silverlining/instances/\(a).env") == "open")
        // Once moved, setup-node has nothing left to do for accounts.
        let again = try await NodeSetup(session: session, localHostsFile: "/dev/null").run()
        #expect(nodes.allSatisfy { (again[$0] ?? []).isEmpty }, "\(again)")
    }

    func reach(_ node: String) async throws -> NodeAddress {
        try await Isolation(session: session, site: site, nodes: nodes).reach(node)
    }

    /// Until the balancer's answers for alpha say `body` (both app servers).
    func waitFor(_ body: String) async throws {
        var last = ""
        let seen = try await poll(every: .milliseconds(200), deadline: .seconds(20)) {
            var answers: [String] = []
            for _ in 0..<4 { answers.append(try await site.get("/").body.trimmingCharacters(in: .whitespacesAndNewlines)) }
            last = answers.joined(separator: " | ")
            return answers.allSatisfy { $0 == body }
        }
        #expect(seen, "alpha answers \(last)")
    }
}

/// Requests in a loop until stopped, keeping every one that did not answer 200. (Stopped by
/// a flag, not by cancelling: a cancelled task kills the request in flight.)
final class Load: Sendable {
    let site: Site
    let paths: [String]
    private let stopped = Atomic<Bool>(false)
    private let started = Atomic<Int>(0)

    init(site: Site, paths: [String]) {
        self.site = site
        self.paths = paths
    }

    func stop() { stopped.store(true, ordering: .relaxed) }

    /// Requests answered or failed so far.
    var requests: Int { started.load(ordering: .relaxed) }

    /// Returns once `count` requests were made, or fails after a minute.
    func waitFor(requests count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while requests < count {
            guard ContinuousClock.now < deadline else { throw LoadStalled(requests: requests) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    struct LoadStalled: Error { var requests: Int }

    struct Outcome {
        var requests = 0
        var failures: [String] = []
    }

    func run() async -> Outcome {
        var outcome = Outcome()
        while !stopped.load(ordering: .relaxed) {
            for path in paths {
                outcome.requests += 1
                do {
                    let (status, body) = try await site.get(path)
                    if status != 200 { outcome.failures.append("\(path): HTTP \(status) \(body.prefix(200))") }
                } catch {
                    outcome.failures.append("\(path): \(error)")
                }
                started.add(1, ordering: .relaxed)
            }
        }
        return outcome
    }
}
