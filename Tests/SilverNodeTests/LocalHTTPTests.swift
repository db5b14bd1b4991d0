import Foundation
import Testing

@testable import SilverNode

@Suite struct LocalHTTPParseTests {
    func parse(_ text: String) -> LocalHTTP.Response? {
        LocalHTTP.parse(Array(text.utf8))
    }

    @Test func statusHeadersAndBody() throws {
        let response = try #require(parse(
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nX-Silverlining-Instance:  blog.2026-11-25_001 \r\n"
                + "Location: http://foobar.com:8080/x\r\n\r\nno such page\r\n\r\nsecond paragraph"))
        #expect(response.status == 404)
        #expect(response.header("content-type") == "text/plain")
        #expect(response.header("CONTENT-TYPE") == "text/plain")
        #expect(response.header(RouterConfiguration.instanceHeader) == "blog.2026-11-25_001")
        #expect(response.header("x-silverlining-instance") == "blog.2026-11-25_001")
        #expect(response.header("location") == "http://foobar.com:8080/x", "only the first colon separates")
        #expect(response.header("missing") == nil)
        #expect(response.body == "no such page\r\n\r\nsecond paragraph")
    }

    @Test func noHeadersNoBody() throws {
        let response = try #require(parse("HTTP/1.0 204 No Content\r\n\r\n"))
        #expect(response.status == 204)
        #expect(response.headers.isEmpty)
        #expect(response.body == "")
        #expect(parse("HTTP/1.1 200\r\n\r\nok")?.status == 200, "the reason phrase is optional")
    }

    @Test("a header line without a colon is skipped, not fatal")
    func malformedHeaderLine() throws {
        let response = try #require(parse("HTTP/1.1 200 OK\r\nnonsense\r\nA: b\r\n\r\n"))
        #expect(response.headers == ["A": "b"])
    }

    @Test(
        "what is not an HTTP answer is nil",
        arguments: [
            "", "garbage", "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n",
            "HTTP/1.1 two hundred OK\r\n\r\n", "HTTP/1.1\r\n\r\n", "\r\n\r\nHTTP/1.1 200 OK", "HTTP/1.1 200 OK\n\nbody",
        ])
    func notHTTP(text: String) {
        #expect(parse(text) == nil)
    }
}

@Suite struct LocalHTTPGetTests {
    @Test("a GET over a real socket: request line, Host, sorted extra headers; the whole answer read")
    func get() async throws {
        let listener = try TestListener()
        let body = String(repeating: "0123456789abcdef", count: 4096)  // several reads' worth
        let request = listener.answerOnce(Array(
            "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nX-Silverlining-Instance: blog.2026-11-25_002\r\n\r\n\(body)".utf8))
        let result = LocalHTTP.get(
            port: listener.port, path: "/health?deep=1", host: "foobar.com",
            headers: [RouterConfiguration.updateHeader: "1", "Accept": "*/*"], timeoutSeconds: 5)
        let response = try result.get()
        #expect(response.status == 200)
        #expect(response.header("x-silverlining-instance") == "blog.2026-11-25_002")
        #expect(response.body == body)
        #expect(await request.first { _ in true } == """
            GET /health?deep=1 HTTP/1.0\r
            Host: foobar.com\r
            User-Agent: silver-node\r
            Accept: */*\r
            X-Silverlining-Update: 1\r
            \r

            """)
    }

    @Test func answerThatIsNotHTTP() async throws {
        let listener = try TestListener()
        let request = listener.answerOnce(Array("SSH-2.0-OpenSSH_9.2p1\r\n".utf8))
        let result = LocalHTTP.get(port: listener.port, path: "/", host: "localhost", timeoutSeconds: 5)
        _ = await request.first { _ in true }
        guard case .failure(let error) = result else { Issue.record("expected a failure, got \(result)"); return }
        #expect(error.description == "port \(listener.port) answered something that is not HTTP")
    }

    @Test(
        "a path or header that would end the request line early, or add a header, is refused before anything is sent",
        arguments: [
            ("/a b", "h", [:]), ("/a\r\nX-Evil: 1", "h", [:]), ("setup", "h", [:]), ("/ok", "h\r\nX-Evil: 1", [:]),
            ("/ok", "h", ["X-Silverlining-Update": "1\nX-Evil: 1"]),
        ] as [(String, String, [String: String])])
    func forgedRequestLines(path: String, host: String, headers: [String: String]) throws {
        let bound = try TestListener(listening: false)
        guard case .failure(let error) = LocalHTTP.get(port: bound.port, path: path, host: host, headers: headers, timeoutSeconds: 1) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(error.description.hasPrefix("refusing a request"), "refused before connecting: \(error)")
    }

    @Test func nothingListening() throws {
        let bound = try TestListener(listening: false)
        let port = bound.port
        guard case .failure(let error) = LocalHTTP.get(port: port, path: "/", host: "localhost", timeoutSeconds: 1) else {
            Issue.record("expected connection refused")
            return
        }
        #expect(error.description.hasPrefix("connect to port \(port): "))
        #expect(error.description.contains("refused"))
    }
}

@Suite struct LocalPortsTests {
    @Test("a port with a listener is taken; once it closes the port is free again")
    func isFree() throws {
        var listener: TestListener? = try TestListener()
        let port = try #require(listener?.port)
        #expect(!LocalPorts.isFree(port))
        listener = nil
        #expect(LocalPorts.isFree(port))
    }

    @Test("a listener on every address takes the loopback port too")
    func wildcardListenerTakesThePort() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = 0  // INADDR_ANY
        #expect(withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0)
        #expect(listen(fd, 1) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        #expect(!LocalPorts.isFree(Int(UInt16(bigEndian: address.sin_port))))
    }

    @Test(
        "established connections count the server's side only, not the listener or the client's end",
        arguments: [false, true])
    func establishedConnections(ipv6: Bool) throws {
        // The count covers IPv4 and IPv6 alike, and a port number bound on 127.0.0.1 is still
        // free on ::1: hold it in the other family too, so no test alongside adds connections.
        var reserved: (listener: TestListener, other: TestListener)?
        for _ in 0..<20 where reserved == nil {
            let listener = try TestListener(ipv6: ipv6)
            if let other = try? TestListener(ipv6: !ipv6, listening: false, port: listener.port) { reserved = (listener, other) }
        }
        defer { withExtendedLifetime(reserved) {} }
        let listener = try #require(reserved).listener
        #expect(LocalPorts.establishedConnections(toLocalPort: listener.port) == 0)
        // Enough sockets that /proc/net/tcp is longer than one page, as on a busy node.
        var clients = try (0..<40).map { _ in try TestClient(port: listener.port, ipv6: ipv6) }
        let accepted = clients.map { _ in listener.acceptConnected() }
        defer { accepted.forEach { close($0) } }
        #expect(LocalPorts.establishedConnections(toLocalPort: listener.port) == 40)
        // The server's end of a connection its client closed is in CLOSE_WAIT: no longer a request.
        clients.removeLast(39)
        #expect(LocalPorts.establishedConnections(toLocalPort: listener.port) == 1)
        clients.removeAll()
        #expect(LocalPorts.establishedConnections(toLocalPort: listener.port) == 0)
    }
}
