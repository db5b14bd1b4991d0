import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// How the agent talks to silver: a JSON request on standard input, a JSON answer on
/// standard output, and a plain message on standard error when it fails.
public enum AgentIO {
    public static func readRequest<Request: Decodable>(_ type: Request.Type) throws -> Request {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        do {
            return try JSONDecoder().decode(Request.self, from: Data(bytes))
        } catch {
            throw AgentError.badRequest(String(describing: error))
        }
    }

    public static func writeAnswer<Answer: Encodable>(_ answer: Answer) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var bytes = [UInt8](try encoder.encode(answer))
        bytes.append(UInt8(ascii: "\n"))
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
            guard count > 0 else { throw AgentError.system("cannot write the answer", errno) }
            written += count
        }
    }

    /// Lines on standard error that start with this are progress, shown to the user as they
    /// come; anything else there is the failure message.
    public static let progressPrefix = "progress: "

    public static func writeProgress(_ message: String) {
        writeError(progressPrefix + message)
    }

    public static func writeError(_ message: String) {
        let bytes = Array((message.hasSuffix("\n") ? message : message + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}

/// The answer of a verb that has nothing to say beyond succeeding.
public struct Empty: Codable, Sendable {
    public init() {}
}
