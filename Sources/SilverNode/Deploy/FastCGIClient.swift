import FoundationEssentials

/// A minimal FastCGI client (one responder request per connection, no keep-alive), so the
/// agent can ask a PHP instance's PHP-FPM directly, as nginx does, for health checks,
/// `update_fetch` and `query`. Written here rather than run through Debian's `cgi-fcgi`
/// (libfcgi-bin): no extra package on every app server, no process to start per check, and
/// the answer comes back as the same `LocalHTTP.Response` an HTTP instance gives.
public enum FastCGIClient {
    enum RecordType: UInt8 {
        case beginRequest = 1, abortRequest, endRequest, params, stdin, stdout, stderr
    }

    static let requestID: UInt16 = 1
    static let responderRole: UInt16 = 1

    /// Sends one request with `parameters` (the CGI variables) and an empty body.
    public static func request(port: Int, parameters: [(String, String)], timeoutSeconds: Int) -> Result<LocalHTTP.Response, AgentError> {
        let answer: [UInt8]
        switch LoopbackSocket.exchange(port: port, request: encode(parameters), timeoutSeconds: timeoutSeconds) {
        case .success(let bytes): answer = bytes
        case .failure(let error): return .failure(error)
        }
        guard let (output, errors, ended) = decode(answer) else {
            return .failure(.failed("port \(port) answered something that is not FastCGI"))
        }
        guard ended else { return .failure(.failed("port \(port) closed the FastCGI request before it ended")) }
        guard let response = parseCGI(output) else {
            let detail = errors.isEmpty ? "" : ": " + String(decoding: errors.prefix(300), as: UTF8.self)
            return .failure(.failed("port \(port) gave a FastCGI answer without CGI headers" + detail))
        }
        return .success(response)
    }

    static func encode(_ parameters: [(String, String)]) -> [UInt8] {
        var out = record(.beginRequest, [UInt8(responderRole >> 8), UInt8(responderRole & 0xFF), 0, 0, 0, 0, 0, 0])
        var pairs: [UInt8] = []
        for (name, value) in parameters {
            pairs += length(name.utf8.count) + length(value.utf8.count) + Array(name.utf8) + Array(value.utf8)
        }
        // A record holds at most 65535 bytes; longer parameters span several.
        var start = 0
        while start < pairs.count {
            let end = min(start + 65535, pairs.count)
            out += record(.params, Array(pairs[start..<end]))
            start = end
        }
        return out + record(.params, []) + record(.stdin, [])
    }

    static func record(_ type: RecordType, _ content: [UInt8]) -> [UInt8] {
        let padding = (8 - content.count % 8) % 8
        return [1, type.rawValue, UInt8(requestID >> 8), UInt8(requestID & 0xFF), UInt8(content.count >> 8), UInt8(content.count & 0xFF), UInt8(padding), 0]
            + content + [UInt8](repeating: 0, count: padding)
    }

    /// A name's or value's length: one byte below 128, else four with the top bit set.
    static func length(_ count: Int) -> [UInt8] {
        count < 128 ? [UInt8(count)] : [UInt8((count >> 24) | 0x80), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)]
    }

    /// The responder's standard output and error, and whether it sent END_REQUEST; nil when
    /// the bytes are not FastCGI records.
    static func decode(_ bytes: [UInt8]) -> (output: [UInt8], errors: [UInt8], ended: Bool)? {
        var output: [UInt8] = []
        var errors: [UInt8] = []
        var offset = 0
        while offset + 8 <= bytes.count {
            guard bytes[offset] == 1 else { return nil }
            let length = Int(bytes[offset + 4]) << 8 | Int(bytes[offset + 5])
            let contentStart = offset + 8
            let next = contentStart + length + Int(bytes[offset + 6])
            guard next <= bytes.count else { return nil }
            let content = bytes[contentStart..<contentStart + length]
            switch RecordType(rawValue: bytes[offset + 1]) {
            case .stdout: output += content
            case .stderr: errors += content
            case .endRequest: return (output, errors, true)
            default: break
            }
            offset = next
        }
        return offset == bytes.count ? (output, errors, false) : nil
    }

    /// A CGI answer: header lines (`Status: 404 Not Found`, no status meaning 200, or 302
    /// with a `Location`), an empty line, the body.
    static func parseCGI(_ bytes: [UInt8]) -> LocalHTTP.Response? {
        let text = String(decoding: bytes, as: UTF8.self)
        let separator = text.firstRange(of: "\r\n\r\n") ?? text.firstRange(of: "\n\n")
        guard let separator else { return nil }
        var headers: [String: String] = [:]
        for line in text[..<separator.lowerBound].split(whereSeparator: { $0 == "\r\n" || $0 == "\n" }) {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            headers[String(line[..<colon])] = line[line.index(after: colon)...].trimmed
        }
        var response = LocalHTTP.Response(status: 200, headers: headers, body: String(text[separator.upperBound...]))
        if let status = response.header("Status") {
            guard let code = status.split(separator: " ").first.flatMap({ Int($0) }) else { return nil }
            response.status = code
        } else if response.header("Location") != nil {
            response.status = 302
        }
        return response
    }
}
