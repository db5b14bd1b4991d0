import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// HAProxy's runtime API on the balancer's admin socket: how silver drains an app server
/// in an app's backend before switching it and puts it back afterwards, without reloading
/// HAProxy. A drain can be given an expiry, kept by a transient systemd timer on the
/// balancer: unless silver renews it, the server goes back into rotation by itself, so a
/// silver killed mid-switch leaves no app server drained for longer than that.
public struct HAProxyRuntime: Sendable {
    public var socketPath: String
    public var runner: CommandRunner

    /// Where HAProxy listens for runtime commands; its configuration says the same.
    public static let adminSocket = "/run/haproxy/admin.sock"

    public init(socketPath: String = HAProxyRuntime.adminSocket, runner: CommandRunner = CommandRunner()) {
        self.socketPath = socketPath
        self.runner = runner
    }

    /// Where the servers' states are saved before a reload, for the new process to read.
    public static let stateFile = "/var/lib/haproxy/server-state"

    /// Saves every server's state (up, down, drained) for the process a reload starts. A
    /// balancer whose HAProxy does not run yet has nothing to save.
    public func saveState(to path: String = HAProxyRuntime.stateFile) throws {
        guard FileSystem.exists(socketPath), let state = try? send(.showServersState) else { return }
        try FileSystem.writeAtomically(path, bytes: Array(state.utf8), mode: 0o644, uid: 0, gid: 0)
    }

    /// The backend that holds every app server for one app.
    public static func backend(app: String) -> String { "app_" + app }
    static let backendPrefix = "app_"

    /// Sends one command and returns HAProxy's whole answer.
    public func send(_ command: HAProxyCommand) throws -> String {
        try send(line: try command.line)
    }

    func send(line command: String) throws -> String {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw AgentError.system("socket", errno) }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw AgentError.failed("socket path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw AgentError.system("cannot reach HAProxy at \(socketPath)", errno) }
        let line = Array((command + "\n").utf8)
        guard line.withUnsafeBytes({ Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == line.count else {
            throw AgentError.system("cannot talk to HAProxy", errno)
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            answer += buffer[0..<count]
        }
        return String(decoding: answer, as: UTF8.self)
    }

    func setState(_ server: String, in backend: String, _ state: BalancerRequest.State) throws {
        let answer = try send(.setState(backend: backend, server: server, state: state)).trimmed
        guard answer.isEmpty else { throw AgentError.failed("HAProxy refused to set \(server) to \(state.rawValue) in \(backend): \(answer)") }
    }

    /// What a drain's expiry timer runs: the server back to ready in its backend.
    public func undrain(backend: String, server: String) throws {
        try setState(server, in: backend, .ready)
    }

    /// Every server of every app backend, from `show stat`.
    public func servers() throws -> [BalancerServer] {
        let lines = try send(.showStat).split(separator: "\n")
        guard let header = lines.first, header.hasPrefix("# ") else { throw AgentError.failed("unexpected answer to show stat") }
        let columns = header.dropFirst(2).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        func column(_ name: String) throws -> Int {
            guard let index = columns.firstIndex(of: name) else { throw AgentError.failed("show stat has no \(name) column") }
            return index
        }
        let (scur, status) = (try column("scur"), try column("status"))
        let counters = BalancerServer.counterColumns.compactMap { name in columns.firstIndex(of: name).map { (name, $0) } }
        return lines.dropFirst().compactMap { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count > max(scur, status), fields[0].hasPrefix(Self.backendPrefix), !["FRONTEND", "BACKEND"].contains(fields[1]) else {
                return nil
            }
            return BalancerServer(
                app: String(fields[0].dropFirst(Self.backendPrefix.count)), server: fields[1], sessions: Int(fields[scur]) ?? 0,
                status: fields[status],
                counters: Dictionary(uniqueKeysWithValues: counters.map { ($0.0, Int(fields[$0.1]) ?? 0) }))
        }
    }

    /// The server in the backends a request names: one app's, or every app's.
    func entries(of server: String, app: String?) throws -> [BalancerServer] {
        let found = try servers().filter { $0.server == server && (app == nil || $0.app == app) }
        guard !found.isEmpty else {
            throw AgentError.failed(
                "the balancer has no server \(server)" + (app.map { " for \($0)" } ?? "")
                    + "; run `silver setup-node` so it knows every app server and app")
        }
        return found
    }

    /// Sets the state; after a drain, waits until the server's requests have finished; after
    /// a ready, waits (when asked) until its health check passes. Answers for the server
    /// summed over the backends named.
    public func handle(_ request: BalancerRequest) async throws -> BalancerAnswer {
        let backends = try entries(of: request.server, app: request.app).map { Self.backend(app: $0.app) }
        for backend in backends {
            try setState(request.server, in: backend, request.state)
            let expiry = DrainExpiry(backend: backend, server: request.server, runner: runner)
            if request.state == .drain, request.expirySeconds > 0 {
                // Long enough to outlast the wait for the server's requests to end; once that
                // is over, the expiry starts again from then.
                try await expiry.schedule(after: request.expirySeconds + request.idleTimeoutSeconds)
            } else {
                await expiry.cancel()
            }
        }
        switch request.state {
        case .drain:
            let answer = try await answer(request, within: .seconds(request.idleTimeoutSeconds)) { $0.sessions == 0 }
            if request.expirySeconds > 0, request.idleTimeoutSeconds > 0 {
                for backend in backends {
                    try await DrainExpiry(backend: backend, server: request.server, runner: runner).schedule(after: request.expirySeconds)
                }
            }
            return answer
        case .ready:
            return try await answer(request, within: .seconds(request.upTimeoutSeconds)) { $0.isUp }
        case .maint:
            return BalancerAnswer(try entries(of: request.server, app: request.app))
        }
    }

    /// The server's answer once `done` holds for it, or when `deadline` has passed.
    func answer(_ request: BalancerRequest, within deadline: Duration, until done: (BalancerAnswer) -> Bool) async throws -> BalancerAnswer {
        func current() throws -> BalancerAnswer { BalancerAnswer(try entries(of: request.server, app: request.app)) }
        var answer = try current()
        try await poll(deadline: deadline) {
            answer = try current()
            return done(answer)
        }
        return answer
    }
}

/// A drain's expiry on the balancer: a transient timer unit that puts the server back into
/// rotation in its backend when it fires. Scheduling again renews it; making the server
/// ready cancels it. Each schedule makes a timer of its own name before stopping the ones it
/// replaces, so that there is never a moment without one: reusing one name, a renewal
/// whose old unit was not gone yet would fail and leave the drain without an end.
struct DrainExpiry: Sendable {
    var backend: String
    var server: String
    var runner: CommandRunner

    var prefix: String { "silver-undrain-\(backend)-\(server)" }

    func schedule(after seconds: Int) async throws {
        let unit = prefix + "-" + String(UInt64(Timestamp.now() * 1000))
        try await runner.check(Command(
            // systemd fires timers up to a minute late by default (AccuracySec): a drain must
            // end when it says.
            "systemd-run", [
                "--quiet", "--collect", "--on-active=\(seconds)s", "--timer-property=AccuracySec=100ms", "--unit=\(unit)", NodeLayout.agent,
                "undrain", backend, server,
            ],
            step: "schedule the end of \(server)'s drain"))
        await cancel(keeping: unit + ".timer")
    }

    func cancel(keeping kept: String? = nil) async {
        guard let listed = try? await runner.run(Command("systemctl", ["list-units", "--plain", "--no-legend", "--all", prefix + "-*.timer"]))
        else { return }
        let timers = listed.text.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }.filter { $0 != kept }
        guard !timers.isEmpty else { return }
        _ = try? await runner.run(Command("systemctl", ["stop"] + timers))
    }
}

/// A command for HAProxy's runtime API: one line, whose words must not contain the spaces,
/// semicolons or line breaks that would make it a different command or several.
public enum HAProxyCommand: Sendable, Equatable {
    case setState(backend: String, server: String, state: BalancerRequest.State)
    case showStat
    case showServersState

    public var line: String {
        get throws {
            switch self {
            case .setState(let backend, let server, let state):
                try "set server \(Self.word(backend))/\(Self.word(server)) state \(state.rawValue)"
            case .showStat:
                "show stat"
            case .showServersState:
                "show servers state"
            }
        }
    }

    static func word(_ text: String) throws -> String {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-:".contains($0)) }) else {
            throw AgentError.failed("\(text.debugDescription) cannot be named in a command to HAProxy")
        }
        return text
    }
}
