import Foundation
import SilverLining

/// Small WSGI apps written into a temporary directory for deploy tests. Each answers with
/// the node and instance that served it, so tests can see where requests went.
struct TestApp {
    let directory: String

    /// `health` is the status its health check path answers; `setupDelay` slows `/setup`
    /// (the update_fetch path) and `healthDelay` the health check, so a test can act while a
    /// rollout waits on them. Each marked `/setup` adds a line to `fetches` in the instance's
    /// TMPDIR saying whether it was the primary one; with `fetchEverywhere` every app server
    /// fetches, and `failSecondary` makes the others' fetches fail.
    init(
        name: String = "hello", health: Int = 200, healthDelay: Double = 0, setupDelay: Double = 0, setupStatus: Int = 200,
        version: String = "1", fetchEverywhere: Bool = false, failSecondary: Bool = false
    ) throws {
        directory = NSTemporaryDirectory() + "silver-app-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory + "/static", withIntermediateDirectories: true)
        try """
            [production]
            app_name = \(name)
            runner = app.py
            update_fetch = /setup
            update_fetch_everywhere = \(fetchEverywhere)
            health_check = /health

            """.write(toFile: directory + "/app.ini", atomically: true, encoding: .utf8)
        try """
            import os, socket, time

            VERSION = "\(version)"

            def application(environ, start_response):
                path = environ.get("PATH_INFO", "/")
                status = "200 OK"
                if path == "/health":
                    time.sleep(\(healthDelay))
                    if \(health) != 200:
                        status = "\(health) Failing"
                if path == "/setup":
                    time.sleep(\(setupDelay))
                    if \(setupStatus) != 200:
                        status = "\(setupStatus) Setup Failed"
                    if environ.get("silverlining.update"):
                        primary = environ.get("silverlining.update.primary")
                        with open(os.path.join(os.environ["TMPDIR"], "fetches"), "a") as fetches:
                            fetches.write("primary=%s\\n" % primary)
                        if \(failSecondary ? "True" : "False") and not primary:
                            status = "500 Secondary Setup Failed"
                body = "node=%s instance=%s version=%s update=%s\\n" % (
                    socket.gethostname(), os.environ.get("SILVER_INSTANCE_NAME"), VERSION,
                    environ.get("silverlining.update", False))
                start_response(status, [("Content-Type", "text/plain")])
                return [body.encode()]

            """.write(toFile: directory + "/app.py", atomically: true, encoding: .utf8)
        try "static\n".write(toFile: directory + "/static/robots.txt", atomically: true, encoding: .utf8)
    }

    func load() throws -> AppConfig { try AppLoader.load(directory: directory) }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// Requests through the balancer, the way a visitor's browser would send them.
enum Visitor {
    static func get(_ address: String, host: String, path: String = "/") async throws -> (status: Int, body: String) {
        let result = try await CommandRunner().run(Command(
            "curl", ["-s", "-m", "10", "-H", "Host: \(host)", "-w", "\n%{http_code}", "http://\(address)\(path)"]))
        let lines = result.text.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    /// Runs wrk against the balancer for `seconds` and reads its totals.
    static func load(_ address: String, host: String, seconds: Int, connections: Int = 8) async throws -> LoadResult {
        let result = try await CommandRunner().check(Command(
            "wrk", ["-t", "2", "-c", String(connections), "-d", "\(seconds)s", "--latency", "-H", "Host: \(host)", "http://\(address)/"]))
        return LoadResult(wrkOutput: result.text)
    }
}

struct LoadResult: CustomStringConvertible {
    var requests = 0
    var non2xx = 0
    var socketErrors = 0
    var output: String

    init(wrkOutput: String) {
        output = wrkOutput
        for line in wrkOutput.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.contains("requests in") { requests = Int(line.split(separator: " ")[0]) ?? 0 }
            if line.hasPrefix("Non-2xx or 3xx responses:") { non2xx = Int(line.split(separator: " ").last ?? "") ?? 0 }
            if line.hasPrefix("Socket errors:") {
                socketErrors = line.split(separator: ",").compactMap { Int($0.split(separator: " ").last ?? "") }.reduce(0, +)
            }
        }
    }

    var description: String { "\(requests) requests, \(non2xx) non-2xx, \(socketErrors) socket errors" }
}
