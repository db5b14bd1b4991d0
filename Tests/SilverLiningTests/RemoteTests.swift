import Synchronization
import Testing

@testable import SilverLining

@Suite struct RemoteErrorTests {
    let node = NodeAddress(name: "app1.foobar.com", address: "10.0.0.2")

    /// What OpenSSH 9 prints when the pinned key no longer matches.
    static let hostKeyChanged = """
        @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
        @    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
        @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
        IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
        Someone could be eavesdropping on you right now (man-in-the-middle attack)!
        It is also possible that a host key has just been changed.
        The fingerprint for the ED25519 key sent by the remote host is
        SHA256:3b0JmWqJ1r2r9bRk9mPZ0hX0l4Cq6nS0bD4o1vQmE2c.
        Please contact your system administrator.
        Add correct host key in /root/.silverlining/nodesets/foobar/known_hosts to get rid of this message.
        Offending ED25519 key in /root/.silverlining/nodesets/foobar/known_hosts:1
        Host key for 10.0.0.2 has changed and you have requested strict checking.
        Host key verification failed.\r

        """

    @Test(
        "OpenSSH's own failures are recognised from what it prints",
        arguments: [
            (hostKeyChanged, "hostKeyChanged"),
            ("Host key verification failed.\r\n", "hostKeyChanged"),
            ("No ED25519 host key is known for 10.0.0.2 and you have requested strict checking.\r\nHost key verification failed.\r\n", "hostKeyChanged"),
            ("root@10.0.0.2: Permission denied (publickey).\r\n", "keyRefused"),
            ("ssh: connect to host 10.0.0.2 port 22: Connection refused\r\n", "unreachable: Connection refused"),
            ("ssh: connect to host 10.0.0.2 port 22: No route to host\r\n", "unreachable: No route to host"),
            ("ssh: connect to host 10.0.0.2 port 22: Connection timed out\r\n", "unreachable: Connection timed out"),
            ("kex_exchange_identification: read: Connection reset by peer\r\nConnection reset by 10.0.0.2 port 22\r\n", "unreachable: Connection reset"),
            ("ssh: Could not resolve hostname app1.foobar.com: Name or service not known\r\n", "unreachable: Could not resolve hostname"),
            ("Timeout, server 10.0.0.2 not responding.\r\n", "unreachable: Timeout, server"),
        ])
    func classified(stderr: String, expected: String) throws {
        let error = try #require(RemoteError(sshStderr: stderr, node: node))
        switch error {
        case .hostKeyChanged(let name, let address):
            #expect(expected == "hostKeyChanged" && name == node.name && address == node.address)
        case .keyRefused(let name, let address):
            #expect(expected == "keyRefused" && name == node.name && address == node.address)
        case .unreachable(let name, let address, let reason):
            #expect(expected == "unreachable: \(reason)" && name == node.name && address == node.address)
        case .failed:
            Issue.record("ssh's own failure taken for the remote command's")
        }
        #expect(error.node == node.name)
        #expect(error.description.hasPrefix("app1.foobar.com (10.0.0.2) "))
    }

    @Test(
        "what the remote command printed is not taken for an SSH failure",
        arguments: ["", "bash: line 1: /usr/local/bin/silver-node: No such file or directory\n", "error: disk full\n"])
    func notSSH(stderr: String) {
        #expect(RemoteError(sshStderr: stderr, node: node) == nil)
    }

    @Test("only a failure of the shared connection before the command was sent is tried again")
    func sessionNeverStarted() {
        #expect(SSH.sessionNeverStarted("mux_client_request_session: read from master failed: Broken pipe\n"))
        #expect(SSH.sessionNeverStarted("muxclient: master hello exchange failed\n"))
        #expect(!SSH.sessionNeverStarted("client_loop: send disconnect: Broken pipe\n"), "the command may have run")
        #expect(!SSH.sessionNeverStarted("ssh: connect to host 10.0.0.9 port 22: Connection timed out\n"))
    }

    @Test("real ssh failures, from the ssh on this machine")
    func realSSH() async throws {
        let closed = try BoundPort()
        let refused = try await CommandRunner().run(
            Command("ssh", ["-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-p", String(closed.port), "127.0.0.1", "true"]))
        #expect(refused.status == 255)
        #expect(RemoteError(sshStderr: refused.errorText, node: node)
            == .unreachable(node: node.name, address: node.address, reason: "Connection refused"))
        let unresolved = try await CommandRunner().run(
            Command("ssh", ["-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "silver-test.invalid", "true"]))
        #expect(RemoteError(sshStderr: unresolved.errorText, node: node)
            == .unreachable(node: node.name, address: node.address, reason: "Could not resolve hostname"))
    }

    @Test("descriptions say what to do")
    func descriptions() {
        #expect(RemoteError.hostKeyChanged(node: "a", address: "1").description.contains("--rescan-host-keys"))
        #expect(RemoteError.keyRefused(node: "a", address: "1").description.contains("id_ed25519.pub"))
        #expect(RemoteError.failed(node: "a", step: "apply", status: 3, errorOutput: "  oops \n").description
            == "a: apply failed (exit status 3):\noops")
        #expect(RemoteError.failed(node: "a", step: "apply", status: 3, errorOutput: "").description == "a: apply failed (exit status 3)")
    }
}

/// How many bodies run at once, and the most that ever did.
actor Gauge {
    private(set) var current = 0
    private(set) var highest = 0

    func enter() {
        current += 1
        highest = max(highest, current)
    }

    func leave() { current -= 1 }

    /// Waits (up to a deadline) until `count` bodies have been inside at once, so a fan-out
    /// that can run that many is seen to, however slowly the machine schedules them.
    func waitUntilReached(_ count: Int) async {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(3))
        while highest < count && clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(1))
        }
    }
}

struct Failure: Error, CustomStringConvertible {
    let value: Int
    var description: String { "element \(value) failed" }
}

@Suite struct FanOutTests {
    @Test("outcomes come back in input order, whatever order the bodies finish in")
    func order() async {
        let outcomes = await forEach(Array(0..<30), parallel: 8) { value in
            try await Task.sleep(for: .milliseconds((30 - value) % 7))
            return value * 10
        }
        #expect(outcomes.map { try? $0.get() } == (0..<30).map { $0 * 10 })
    }

    @Test("never more than the bound at once, and the bound is reached", arguments: [1, 3, 16])
    func bound(parallel: Int) async {
        let gauge = Gauge()
        _ = await forEach(Array(0..<24), parallel: parallel) { _ in
            await gauge.enter()
            await gauge.waitUntilReached(parallel)
            await gauge.leave()
        }
        #expect(await gauge.highest == parallel)
        #expect(await gauge.current == 0)
    }

    @Test("a bound below one runs one at a time; no elements, no outcomes")
    func edgeBounds() async {
        let gauge = Gauge()
        let outcomes = await forEach([1, 2, 3], parallel: 0) { value in
            await gauge.enter()
            try await Task.sleep(for: .milliseconds(2))
            await gauge.leave()
            return value
        }
        let highest = await gauge.highest
        #expect(outcomes.count == 3 && highest == 1)
        #expect(await forEach([Int](), parallel: 4) { $0 }.isEmpty)
    }

    @Test("a failure does not stop the others")
    func failuresDoNotStopOthers() async {
        let finished = Mutex(Set<Int>())
        let outcomes = await forEach(Array(0..<10), parallel: 3) { value in
            if value % 3 == 0 { throw Failure(value: value) }
            try await Task.sleep(for: .milliseconds(2))
            finished.withLock { _ = $0.insert(value) }
            return value
        }
        #expect(finished.withLock { $0 } == [1, 2, 4, 5, 7, 8])
        for (value, outcome) in outcomes.enumerated() {
            switch outcome {
            case .success(let got): #expect(value % 3 != 0 && got == value)
            case .failure(let error): #expect(value % 3 == 0 && (error as? Failure)?.value == value)
            }
        }
    }

    @Test("forEachOrThrow names every failed node, in input order, after all have finished")
    func orThrow() async throws {
        let nodes = ["app1", "app2", "app3", "db1"]
        let done = Mutex(0)
        let error = await #expect(throws: FanOutError.self) {
            try await forEachOrThrow(nodes, parallel: 4, name: { $0 }) { node in
                defer { done.withLock { $0 += 1 } }
                if node == "app3" { try await Task.sleep(for: .milliseconds(20)) }
                if node == "app1" || node == "app3" { throw RemoteError.keyRefused(node: node, address: "10.0.0.1") }
                return node
            }
        }
        #expect(done.withLock { $0 } == 4)
        #expect(error?.failures.map(\.node) == ["app1", "app3"])
        #expect(error?.description == """
            2 nodes failed:
              app1: \(RemoteError.keyRefused(node: "app1", address: "10.0.0.1"))
              app3: \(RemoteError.keyRefused(node: "app3", address: "10.0.0.1"))
            """)
        #expect(try await forEachOrThrow(nodes, parallel: 2, name: { $0 }) { $0.count } == [4, 4, 4, 3])
    }

    @Test("the exit status is the most serious of the failures'")
    func exitStatus() {
        let mixed = FanOutError(failures: [
            ("a", Failure(value: 1)), ("b", DeployError.noLocation(app: "x", nodeset: "y", locations: [], asked: nil)),
        ])
        #expect(mixed.exitStatus == ExitStatus.badInput)
        #expect(FanOutError(failures: [("a", Failure(value: 1))]).description == "1 node failed:\n  a: element 1 failed")
    }
}

/// What a console wrote, stream by stream, in order.
final class ConsoleLog: Sendable {
    private let entries = Mutex<[(Console.Stream, String)]>([])

    var console: Console { Console(verbose: false, sink: { stream, text in self.entries.withLock { $0.append((stream, text)) } }) }
    var verboseConsole: Console { Console(verbose: true, sink: { stream, text in self.entries.withLock { $0.append((stream, text)) } }) }

    var output: [String] { entries.withLock { $0.filter { $0.0 == .output }.map(\.1) } }
    var errors: [String] { entries.withLock { $0.filter { $0.0 == .error }.map(\.1) } }
}

@Suite struct ConsoleTests {
    @Test("every line of a node's text carries the node's name, in one write")
    func nodePrefix() {
        let log = ConsoleLog()
        log.console.say("installing nginx\nsetting up nginx-light", node: "app1")
        log.console.say("one line", node: "app2")
        log.console.say("a\n\nb", node: "app3")
        #expect(log.output == [
            "app1 | installing nginx\napp1 | setting up nginx-light\n", "app2 | one line\n", "app3 | a\napp3 | \napp3 | b\n",
        ])
    }

    @Test("text that already ends with a newline gets no extra, empty, prefixed line")
    func trailingNewline() {
        let log = ConsoleLog()
        log.console.say("done\n", node: "app1")
        log.console.say("first\nsecond\n", node: "app1")
        log.console.say("whole run\n")
        #expect(log.output == ["app1 | done\n", "app1 | first\napp1 | second\n", "whole run\n"])
    }

    @Test("warnings, errors and diagnostics go to standard error, each ending in one newline")
    func errorStream() {
        let log = ConsoleLog()
        log.console.warn("slow")
        log.console.error("failed\n")
        log.console.diagnostic("foobar.conf:3: warning: unknown key")
        #expect(log.errors == ["warning: slow\n", "error: failed\n", "foobar.conf:3: warning: unknown key\n"])
        #expect(log.output.isEmpty)
    }

    @Test("detail is shown only when verbose")
    func detail() {
        let log = ConsoleLog()
        log.console.detail("hidden", node: "app1")
        log.verboseConsole.detail("shown", node: "app1")
        log.verboseConsole.detail("also shown")
        #expect(log.output == ["app1 | shown\n", "also shown\n"])
    }
}
