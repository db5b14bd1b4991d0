import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// HAProxy's runtime API on the balancer's admin socket: how silver drains an app server
/// before switching it and puts it back afterwards, without reloading HAProxy.
public struct HAProxyRuntime: Sendable {
    public var socketPath: String
    public var backend: String

    /// Where HAProxy listens for runtime commands; its configuration says the same.
    public static let adminSocket = "/run/haproxy/admin.sock"
    /// The backend that holds every app server.
    public static let appServers = "appservers"

    public init(socketPath: String = HAProxyRuntime.adminSocket, backend: String = HAProxyRuntime.appServers) {
        self.socketPath = socketPath
        self.backend = backend
    }

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

    public func setState(_ server: String, _ state: BalancerRequest.State) throws {
        let answer = try send(.setState(backend: backend, server: server, state: state)).trimmed
        guard answer.isEmpty else { throw AgentError.failed("HAProxy refused to set \(server) to \(state.rawValue): \(answer)") }
    }

    /// The server's current sessions (`scur`) and status, from `show stat`.
    public func stat(_ server: String) throws -> BalancerAnswer {
        let lines = try send(.showStat).split(separator: "\n")
        guard let header = lines.first, header.hasPrefix("# ") else { throw AgentError.failed("unexpected answer to show stat") }
        let columns = header.dropFirst(2).split(separator: ",", omittingEmptySubsequences: false)
        guard let scur = columns.firstIndex(of: "scur"), let status = columns.firstIndex(of: "status") else {
            throw AgentError.failed("show stat has no scur or status column")
        }
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            if fields.count > max(scur, status), fields[0] == Substring(backend), fields[1] == Substring(server) {
                return BalancerAnswer(sessions: Int(fields[scur]) ?? 0, status: String(fields[status]))
            }
        }
        throw AgentError.failed("the balancer has no server \(server) in \(backend); run `silver setup-node` so it knows every app server")
    }

    /// Sets the state; after a drain, waits until the server's requests have finished; after
    /// a ready, waits (when asked) until its health check passes.
    public func handle(_ request: BalancerRequest) async throws -> BalancerAnswer {
        try setState(request.server, request.state)
        switch request.state {
        case .drain: return try await stat(request.server, within: .seconds(request.idleTimeoutSeconds)) { $0.sessions == 0 }
        case .ready: return try await stat(request.server, within: .seconds(request.upTimeoutSeconds)) { $0.isUp }
        }
    }

    /// The server's stat once `done` holds for it, or when `deadline` has passed.
    func stat(_ server: String, within deadline: Duration, until done: (BalancerAnswer) -> Bool) async throws -> BalancerAnswer {
        var current = try stat(server)
        try await poll(deadline: deadline) {
            current = try stat(server)
            return done(current)
        }
        return current
    }
}

/// A command for HAProxy's runtime API: one line, whose words must not contain the spaces,
/// semicolons or line breaks that would make it a different command or several.
public enum HAProxyCommand: Sendable, Equatable {
    case setState(backend: String, server: String, state: BalancerRequest.State)
    case showStat

    public var line: String {
        get throws {
            switch self {
            case .setState(let backend, let server, let state):
                try "set server \(Self.word(backend))/\(Self.word(server)) state \(state.rawValue)"
            case .showStat:
                "show stat"
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
