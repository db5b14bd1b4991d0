import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal HTTP/1.0 client for requests the agent makes on its own node (health checks,
/// `update_fetch`, checking which instance nginx serves). HTTP/1.0 keeps answers unchunked
/// and ends them by closing the connection.
public enum LocalHTTP {
    public struct Response: Sendable, Codable, Equatable {
        public var status: Int
        public var headers: [String: String]
        public var body: String

        public func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    public static func get(
        port: Int, path: String, host: String, headers: [String: String] = [:], timeoutSeconds: Int = 10
    ) -> Result<Response, AgentError> {
        // Whatever silver loaded was checked already; this keeps a forged request line out
        // whoever calls.
        let breaksLine = { (text: String) in text.unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == "\0" } }
        guard path.hasPrefix("/"), !path.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f }),
            !([host] + headers.keys + headers.values).contains(where: breaksLine)
        else {
            return .failure(.failed("refusing a request whose path or headers would break its request line: \(path.debugDescription)"))
        }
        var request = "GET \(path) HTTP/1.0\r\nHost: \(host)\r\nUser-Agent: silver-node\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let answer: [UInt8]
        switch LoopbackSocket.exchange(port: port, request: Array(request.utf8), timeoutSeconds: timeoutSeconds) {
        case .success(let bytes): answer = bytes
        case .failure(let error): return .failure(error)
        }
        return parse(answer).map { .success($0) } ?? .failure(.failed("port \(port) answered something that is not HTTP"))
    }

    static func parse(_ bytes: [UInt8]) -> Response? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = bytes.indices.dropLast(3).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else { return nil }
        let head = String(decoding: bytes[..<end], as: UTF8.self).split(separator: "\r\n")
        guard let statusLine = head.first, statusLine.hasPrefix("HTTP/") else { return nil }
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[String(line[..<colon])] = line[line.index(after: colon)...].trimmed
        }
        return Response(status: status, headers: headers, body: String(decoding: bytes[(end + 4)...], as: UTF8.self))
    }
}

/// Facts about this node's TCP sockets, from /proc/net.
public enum LocalPorts {
    /// Whether something listens on 127.0.0.1:port (checked by trying to bind it).
    public static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// Established connections whose local end is `port`: requests still being served.
    public static func establishedConnections(toLocalPort port: Int) -> Int {
        var count = 0
        for file in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let bytes = FileSystem.read(file) else { continue }
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 3, fields[3] == "01", let colon = fields[1].lastIndex(of: ":"),
                    Int(fields[1][fields[1].index(after: colon)...], radix: 16) == port
                else { continue }
                count += 1
            }
        }
        return count
    }
}
