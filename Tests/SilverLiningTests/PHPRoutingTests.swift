import Foundation
import Testing

@testable import SilverLining
@testable import SilverNode

/// A FastCGI responder (Fixtures/fastcgi/responder.py) that answers with the CGI variables it
/// was sent, as JSON, on a scratch port; stopped when the test's task is cancelled.
struct FastCGIResponder {
    let port: Int
    let task: Task<CommandResult, any Error>

    static func start() async throws -> FastCGIResponder {
        let port = try BoundPort().port  // released at once, for the responder to take
        let task = Task {
            try await CommandRunner().run(Command("python3", [Fixtures.path("fastcgi/responder.py"), String(port)]))
        }
        do {
            try await waitForListener(port)
        } catch {
            task.cancel()
            let result = try await task.value
            Issue.record("the FastCGI responder did not listen on \(port): status \(result.status), \(result.errorText)")
            throw error
        }
        return FastCGIResponder(port: port, task: task)
    }

    func stop() { task.cancel() }
}

/// Polls until something listens on the loopback port (a server the test started). The
/// deadline is generous: the whole unit suite runs at once on two shared cores.
func waitForListener(_ port: Int, deadline: Duration = .seconds(60)) async throws {
    let clock = ContinuousClock()
    let end = clock.now.advanced(by: deadline)
    while LocalPorts.isFree(port) {
        guard clock.now < end else { throw ListenerTimeout(port: port) }
        try await Task.sleep(for: .milliseconds(20))
    }
}

struct ListenerTimeout: Error, CustomStringConvertible {
    var port: Int
    var description: String { "nothing listened on 127.0.0.1:\(port) in time" }
}

func decodedVariables(_ body: String) throws -> [String: String] {
    try JSONDecoder().decode([String: String].self, from: Data(body.utf8))
}

@Suite struct FastCGIClientTests {
    static func phpRecord(_ port: Int) -> InstanceRecord {
        InstanceRecord(name: "site.2026-11-25_001", app: "site", port: port, launch: .php(runner: "site/runner.php", root: "site"))
    }

    @Test("the agent asks a PHP instance over FastCGI as nginx would, marking its update requests")
    func probeSpeaksFastCGI() async throws {
        let responder = try await FastCGIResponder.start()
        defer { responder.stop() }
        let record = Self.phpRecord(responder.port)
        let response = try InstanceProbe.get(
            record, path: "/setup?step=1", host: "www.example.com", headers: [RouterConfiguration.updateHeader: "1"], timeoutSeconds: 5
        ).get()
        #expect(response.status == 200 && response.header("Content-Type") == "application/json")
        let variables = try decodedVariables(response.body)
        #expect(variables["SCRIPT_FILENAME"] == AppRuntime.phpMasterRunner)
        #expect(variables["SCRIPT_NAME"] == "/setup" && variables["QUERY_STRING"] == "step=1" && variables["REQUEST_URI"] == "/setup?step=1")
        #expect(variables["HTTP_HOST"] == "www.example.com" && variables["REQUEST_METHOD"] == "GET")
        #expect(variables["HTTP_X_SILVERLINING_UPDATE"] == "1")
    }

    @Test("a CGI Status header is the answer's status, and long variables survive the four-byte length form")
    func statusAndLongValues() async throws {
        let responder = try await FastCGIResponder.start()
        defer { responder.stop() }
        let long = String(repeating: "x", count: 70_000)
        let response = try InstanceProbe.get(
            Self.phpRecord(responder.port), path: "/health", host: "localhost",
            headers: ["X-Respond-Status": "503 Not Yet", "X-Long": long], timeoutSeconds: 5
        ).get()
        #expect(response.status == 503)
        #expect(try decodedVariables(response.body)["HTTP_X_LONG"] == long)
    }

    @Test("nothing listening, or something that is not FastCGI, is a failure that says so")
    func failures() async throws {
        let closed = try BoundPort()
        #expect(throws: AgentError.self) { try InstanceProbe.get(Self.phpRecord(closed.port), path: "/", host: "h", timeoutSeconds: 2).get() }
        #expect(FastCGIClient.decode([72, 84, 84, 80, 47, 49, 46, 48, 32, 50]) == nil)
    }

    @Test(
        "CGI answers: no Status is 200, a Location alone is 302, headers end at the first empty line",
        arguments: [
            ("Content-Type: text/html\r\n\r\n<p>hi</p>", 200, "<p>hi</p>"), ("Location: /next\r\n\r\n", 302, ""),
            ("Status: 404 Not Found\nContent-Type: text/plain\n\nmissing", 404, "missing"),
        ])
    func cgiAnswers(text: String, status: Int, body: String) throws {
        let response = try #require(FastCGIClient.parseCGI(Array(text.utf8)))
        #expect(response.status == status && response.body == body)
    }
}

/// The PHP golden served by a real nginx: static files, then php_root's files that are not
/// .php, then everything else through the master runner, with the path inside the app as
/// SCRIPT_NAME and silver's update header cleared on requests from outside.
@Suite(.enabled(if: ExternalCheck.find("nginx") != nil, "nginx is not installed (apt-get install nginx-light)"))
struct PHPRoutingTests {
    @Test("nginx serves static/, then php_root without its .php files, then the runner over FastCGI")
    func nginxRoutesPHP() async throws {
        let responder = try await FastCGIResponder.start()
        defer { responder.stop() }
        let scratch = try ScratchDirectory()
        let settings = RouterSettings(locations: [
            RoutedLocation(hostname: "foobar.com", path: "/", app: "site"), RoutedLocation(hostname: "foobar.com", path: "/forum/", app: "forum"),
        ])
        let active = [
            "site": RouterConfigurationTests.php("site.2026-11-25_001", port: responder.port, root: "site"),
            "forum": RouterConfigurationTests.php("forum.2026-11-25_002", port: responder.port, root: "public"),
        ]
        let site = RouterConfiguration.render(settings, active: active).replacingOccurrences(of: "/var/www/", with: scratch.path + "/www/")
        try scratch.write("www/site.2026-11-25_001/static/s.txt", "site static")
        try scratch.write("www/site.2026-11-25_001/site/style.css", "site css")
        try scratch.write("www/site.2026-11-25_001/site/index.php", "<?php $password = 'never served';")
        try scratch.write("www/forum.2026-11-25_002/public/logo.txt", "forum logo")
        try scratch.write("www/forum.2026-11-25_002/public/forum/logo.txt", "wrong: the location's prefix was kept")
        try scratch.write("www/forum.2026-11-25_002/public/post.php", "<?php $password = 'never served';")
        let nginx = try await ScratchNginx.start(site: site, in: scratch)
        defer { nginx.stop() }
        func get(_ path: String, headers: [String: String] = [:]) throws -> LocalHTTP.Response {
            try nginx.get(path, headers: headers)
        }
        for (path, body, instance) in [
            ("/s.txt", "site static", "site.2026-11-25_001"), ("/style.css", "site css", "site.2026-11-25_001"),
            ("/forum/logo.txt", "forum logo", "forum.2026-11-25_002"),
        ] {
            let response = try get(path)
            #expect(response.status == 200 && response.body == body, "\(path): \(response.status) \(response.body)")
            #expect(response.header(RouterConfiguration.instanceHeader) == instance, "\(path)")
        }
        for (path, scriptName, instance) in [
            ("/index.php", "/index.php", "site.2026-11-25_001"), ("/", "/", "site.2026-11-25_001"),
            ("/blog/2010/hello", "/blog/2010/hello", "site.2026-11-25_001"), ("/forum/post.php", "/post.php", "forum.2026-11-25_002"),
            ("/forum/", "/", "forum.2026-11-25_002"),
        ] {
            let response = try get(path, headers: [RouterConfiguration.updateHeader: "1"])
            #expect(!response.body.contains("never served"), "\(path): PHP source was sent")
            let variables = try decodedVariables(response.body)
            #expect(variables["SCRIPT_NAME"] == scriptName && variables["SCRIPT_FILENAME"] == AppRuntime.phpMasterRunner, "\(path): \(variables)")
            #expect((variables["HTTP_X_SILVERLINING_UPDATE"] ?? "").isEmpty, "\(path): a visitor's update header reached PHP")
            #expect(response.header(RouterConfiguration.instanceHeader) == instance, "\(path)")
        }
        let query = try decodedVariables(try get("/forum/search.php?q=a%20b").body)
        #expect(query["QUERY_STRING"] == "q=a%20b" && query["REQUEST_URI"] == "/forum/search.php?q=a%20b")
    }
}
