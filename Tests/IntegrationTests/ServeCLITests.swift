import Foundation
import SilverLining
import Testing

/// `silver init` then `silver serve`, through the built binary, as a developer uses them: no
/// nodes, only Python 3 on this machine.
@Suite struct ServeCLITests {
    let directory = NSTemporaryDirectory() + "silver-serve-" + UUID().uuidString

    /// The app init wrote, given a database and an update_fetch, with a page that shows its
    /// environment and a `/setup` that counts silver's own requests in SILVER_LOGS.
    func makeApp() async throws -> String {
        let app = directory + "/hello"
        let made = try await SilverCLI.run(["init", app], environment: ["HOME": directory])
        #expect(made.status == 0, "\(made.transcript)")
        let ini = try String(contentsOfFile: app + "/app.ini", encoding: .utf8)
        try ini.replacingOccurrences(of: "#service.mysql =", with: "service.mysql =")
            .replacingOccurrences(of: "# update_fetch = /url", with: "update_fetch = /setup")
            .write(toFile: app + "/app.ini", atomically: true, encoding: .utf8)
        try Self.main(version: 1).write(toFile: app + "/main.py", atomically: true, encoding: .utf8)
        try "static file\n".write(toFile: app + "/static/hello.txt", atomically: true, encoding: .utf8)
        return app
    }

    static func main(version: Int) -> String {
        """
        import json, os

        def application(environ, start_response):
            update = bool(environ.get("silverlining.update"))
            if environ["PATH_INFO"] == "/setup":
                with open(os.path.join(os.environ["SILVER_LOGS"], "fetches.txt"), "a") as out:
                    out.write("update=%s\\n" % update)
            names = [name for name in os.environ if name.startswith(("SILVER_", "CONFIG_", "TEMP", "DATABASE_URL"))]
            page = dict((name, os.environ[name]) for name in names)
            page.update(version=\(version), update=update, temp_exists=os.path.isdir(os.environ["TEMP"]))
            start_response("200 OK", [("Content-Type", "application/json")])
            return [json.dumps(page).encode()]

        """
    }

    @Test func serveGivesTheDevelEnvironmentAndReloads() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let app = try await makeApp()
        let config = directory + "/conf"
        try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
        try """
            [devel]
            mysql.host = db.example.test

            [devel:hello]
            mysql.password = APP_NAME-secret

            [devel:other]
            mysql.password = not this one

            """.write(toFile: directory + "/user.conf", atomically: true, encoding: .utf8)
        let port = try FreePort.find()
        let server = try BackgroundSilver(
            ["serve", app, "--port", String(port), "--config", config],
            environment: ["HOME": directory, "SILVER_HOME": directory + "/home", "SILVER_USER_CONFIG": directory + "/user.conf"])
        defer { server.stop() }

        let page = try await Self.waitForPage(port: port) { $0["version"] as? Int == 1 }
        #expect(page["SILVER_VERSION"] as? String == "devel/0.1")
        #expect(page["SILVER_INSTANCE_NAME"] as? String == "localhost" && page["SILVER_APP_NAME"] as? String == "hello")
        #expect(page["SILVER_LOGS"] as? String == app + "/silver-logs")
        #expect(page["SILVER_APP_CONFIG"] as? String == config)
        #expect(page["temp_exists"] as? Bool == true, "\(page)")
        #expect(page["CONFIG_MYSQL_HOST"] as? String == "db.example.test")
        #expect(page["CONFIG_MYSQL_PASSWORD"] as? String == "hello-secret", "[devel:hello] wins, with APP_NAME replaced")
        #expect(page["CONFIG_MYSQL_USER"] as? String == "root" && page["CONFIG_MYSQL_DBNAME"] as? String == "hello")
        #expect(page["CONFIG_MYSQL_SQLALCHEMY"] as? String == "mysql://root:hello-secret@db.example.test/hello")
        #expect(page["update"] as? Bool == false)

        let file = try Self.get(port: port, path: "/hello.txt")
        #expect(file.status == 200 && file.body == "static file\n")
        let forged = try Self.get(port: port, path: "/", headers: ["X-Silverlining-Update": "1"])
        #expect(forged.body.contains("\"update\": false"), "a visitor cannot mark a request as silver's own: \(forged.body)")

        // A changed file restarts the server; update_fetch ran once, at the start, marked.
        try Self.main(version: 2).write(toFile: app + "/main.py", atomically: true, encoding: .utf8)
        _ = try await Self.waitForPage(port: port) { $0["version"] as? Int == 2 }
        #expect(try String(contentsOfFile: app + "/silver-logs/fetches.txt", encoding: .utf8) == "update=True\n")
        let output = server.stop()
        #expect(output.contains("update_fetch: GET /setup -> 200") && output.contains("main.py changed: restarting"), "\(output)")
    }

    @Test(.enabled(if: LocalHost.findProgram("php") != nil, "php is not installed (apt-get install php-cli)"))
    func phpAppsRunOnPHPsServerThroughTheMasterRunner() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let app = directory + "/forum"
        try FileManager.default.createDirectory(atPath: app + "/site", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: app + "/static", withIntermediateDirectories: true)
        try "[production]\napp_name = forum\nrunner = site/runner.php\nphp_root = site\nupdate_fetch = /update\n"
            .write(toFile: app + "/app.ini", atomically: true, encoding: .utf8)
        // Short open tags, as Silver Lining's PHP 5 had them.
        try """
            <?
            $marked = isset($_SERVER['silverlining.update']) ? 'update' : 'visit';
            if ($_SERVER['SCRIPT_NAME'] == '/update') { file_put_contents($_SERVER['SILVER_LOGS'] . '/fetched.txt', "$marked\n", FILE_APPEND); }
            echo $_SERVER['SILVER_INSTANCE_NAME'], ' ', $_SERVER['SCRIPT_NAME'], ' ', $marked, ' ', SILVER_SECRET === '' ? 'no secret' : 'secret', "\n";

            """.write(toFile: app + "/site/runner.php", atomically: true, encoding: .utf8)
        try "php_root file\n".write(toFile: app + "/site/plain.txt", atomically: true, encoding: .utf8)
        let port = try FreePort.find()
        let server = try BackgroundSilver(["serve", app, "--port", String(port)], environment: ["HOME": directory, "SILVER_HOME": directory + "/home"])
        defer { server.stop() }
        let answered = await poll(every: .milliseconds(200), deadline: .seconds(30)) { (try? Self.get(port: port, path: "/a/b"))?.status == 200 }
        #expect(answered, "\(server.stop())")
        #expect(try Self.get(port: port, path: "/a/b").body == "localhost /a/b visit secret\n")
        #expect(try Self.get(port: port, path: "/plain.txt").body == "php_root file\n")
        #expect(try Self.get(port: port, path: "/runner.php").body.hasPrefix("localhost /runner.php"), "a .php file is never sent as it is")
        #expect(try Self.get(port: port, path: "/x", headers: ["X-Silverlining-Update": "1"]).body.contains(" visit "))
        let fetched = await poll(every: .milliseconds(200), deadline: .seconds(10)) {
            (try? String(contentsOfFile: app + "/silver-logs/fetched.txt", encoding: .utf8)) == "update\n"
        }
        #expect(fetched, "update_fetch ran once, marked as silver's own")
    }

    static func get(port: Int, path: String, headers: [String: String] = [:]) throws -> LocalHTTP.Response {
        try LocalHTTP.get(port: port, path: path, host: "localhost", headers: headers, timeoutSeconds: 5).get()
    }

    /// The app's page as JSON, once `ready` holds (the server may still be starting or restarting).
    static func waitForPage(port: Int, until ready: @escaping ([String: Any]) -> Bool) async throws -> [String: Any] {
        let found = await poll(every: .milliseconds(200), deadline: .seconds(60)) { () -> [String: Any]? in
            guard let response = try? get(port: port, path: "/"), response.status == 200,
                let page = try? JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any], ready(page)
            else { return nil }
            return page
        }
        return try #require(found, "the app never answered as expected on port \(port)")
    }
}

/// `silver` running until the test stops it with SIGTERM, as a developer stops `silver serve`.
final class BackgroundSilver: @unchecked Sendable {
    let process = Process()
    let output: FileHandle
    let path: String

    init(_ arguments: [String], environment: [String: String]) throws {
        path = NSTemporaryDirectory() + "silver-output-" + UUID().uuidString
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        output = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        process.executableURL = URL(fileURLWithPath: SilverCLI.binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    /// Stops silver (and with it the app's server) and returns everything it printed.
    @discardableResult
    func stop() -> String {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: path)
        return text
    }
}
