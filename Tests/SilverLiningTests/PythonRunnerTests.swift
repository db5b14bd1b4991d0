import Foundation
import Testing

@testable import SilverLining

/// silver's Python loader and `silversupport`, as setup-node writes them, run by this
/// machine's python3 against small apps: what Silver Lining's master-runner.py did.
@Suite(.enabled(if: ExternalCheck.find("python3") != nil, "python3 is not installed"))
struct PythonRunnerTests {
    let scratch: ScratchDirectory
    let library: String
    let app: String

    init() throws {
        scratch = try ScratchDirectory()
        library = scratch.path + "/lib"
        app = scratch.path + "/app"
        try scratch.write("lib/silverlining_runner.py", PythonRunnerSource.runner)
        try scratch.write("lib/silverlining_wsgi.py", PythonRunnerSource.wsgi)
        try scratch.write("lib/silversupport/__init__.py", SilverSupportSource.initFile)
        try scratch.write("lib/silversupport/env.py", SilverSupportSource.env)
        try scratch.write("lib/silversupport/secret.py", SilverSupportSource.secret)
        try FileManager.default.createDirectory(atPath: app, withIntermediateDirectories: true)
    }

    /// One request to the app the runner names, through silverlining_wsgi, as
    /// `STATUS BODY`; or the loader's error output.
    func request(_ runner: String, path: String = "/", environment: [String: String] = [:], headers: [String: String] = [:]) async throws
        -> CommandResult
    {
        let harness = """
            import io, json, sys
            import silverlining_wsgi
            environ = {"REQUEST_METHOD": "GET", "PATH_INFO": sys.argv[1], "SCRIPT_NAME": "", "SERVER_NAME": "h", "SERVER_PORT": "8000",
                       "REMOTE_ADDR": "127.0.0.1", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http"}
            environ.update(json.loads(sys.argv[2]))
            out = []
            def start_response(status, headers, exc_info=None):
                out.append(status)
            body = b"".join(silverlining_wsgi.application(environ, start_response))
            print(out[0].split()[0], body.decode())
            """
        let headerJSON = String(decoding: try JSONEncoder().encode(headers), as: UTF8.self)
        var variables = ["PYTHONPATH": library, "SILVER_RUNNER": app + "/" + runner, "HOME": scratch.path, "PYTHONDONTWRITEBYTECODE": "1"]
        variables.merge(environment) { _, new in new }
        return try await CommandRunner().run(
            Command("python3", ["-c", harness, path, headerJSON]), environment: variables, workingDirectory: app)
    }

    func write(_ relative: String, _ text: String) throws {
        try scratch.write("app/" + relative, text)
    }

    static let echo = """
        import os
        def application(environ, start_response):
            start_response("200 OK", [("Content-Type", "text/plain")])
            keys = ("SCRIPT_NAME", "PATH_INFO", "REMOTE_ADDR", "silverlining.update")
            return [repr([environ.get(k) for k in keys]).encode()]
        def other(environ, start_response):
            start_response("200 OK", [])
            return [b"the other one"]

        """

    @Test("main.py's application, or the object main.py#name names")
    func pythonRunners() async throws {
        try write("main.py", Self.echo)
        #expect(try await request("main.py").text.hasPrefix("200 ['', '/'"))
        #expect(try await request("main.py#other").text == "200 the other one\n")
        let missing = try await request("main.py#nothing")
        #expect(!missing.succeeded && missing.errorText.contains("No application nothing defined in"), "\(missing.transcript)")
    }

    @Test("the location's path moves to SCRIPT_NAME, the visitor's address comes from X-Forwarded-For, update requests are marked")
    func requestFixups() async throws {
        try write("main.py", Self.echo)
        let under = try await request("main.py", path: "/blog/post/1", environment: ["SILVER_MATCH_PATH": "/blog"],
            headers: ["HTTP_X_FORWARDED_FOR": "203.0.113.9, 10.0.0.6", "HTTP_X_SILVERLINING_UPDATE": "1"])
        #expect(under.text == "200 ['/blog', '/post/1', '203.0.113.9', True]\n", "\(under.transcript)")
        // The agent asks the instance itself, without the location's prefix.
        let direct = try await request("main.py", path: "/health", environment: ["SILVER_MATCH_PATH": "/blog"])
        #expect(direct.text == "200 ['', '/health', '127.0.0.1', None]\n", "\(direct.transcript)")
        let root = try await request("main.py", path: "/blog/x", environment: ["SILVER_MATCH_PATH": "/"])
        #expect(root.text.hasPrefix("200 ['', '/blog/x'"), "\(root.transcript)")
    }

    @Test("lib/python and lib/pythonX.Y/site-packages come first on sys.path, their .pth files are read, sitecustomize runs")
    func bundledLibraries() async throws {
        let version = try await CommandRunner().check(Command("python3", ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])).text.trimmed
        try write("lib/python\(version)/site-packages/bundled.py", "WHERE = 'site-packages'\n")
        try write("lib/python\(version)/site-packages/extra.pth", "extra\n")
        try write("lib/python\(version)/site-packages/extra/fromPth.py", "WHERE = 'a .pth file'\n")
        try write("lib/python/plain.py", "WHERE = 'lib/python'\n")
        try write("lib/python\(version)/sitecustomize.py", "import os\nos.environ['CUSTOMIZED'] = __name__ + ' ' + os.path.basename(__file__)\n")
        try write("main.py", """
            import os, bundled, fromPth, plain
            def application(environ, start_response):
                start_response("200 OK", [])
                return [("%s|%s|%s|%s" % (bundled.WHERE, fromPth.WHERE, plain.WHERE, os.environ["CUSTOMIZED"])).encode()]

            """)
        let result = try await request("main.py")
        #expect(result.text == "200 site-packages|a .pth file|lib/python|sitecustomize sitecustomize.py\n", "\(result.transcript)")
    }

    @Test("a runner that is neither .py nor .ini is refused by the loader too")
    func unknownRunner() async throws {
        try write("main.rb", "")
        let result = try await request("main.rb")
        #expect(!result.succeeded && result.errorText.contains("Unknown kind of runner"))
    }

    @Test("config.checker is imported from the app and called with the directory; its exception fails the check")
    func configChecker() async throws {
        try write("myapp/__init__.py", "")
        try write("myapp/checks.py", """
            import os
            def check(directory):
                if not os.path.exists(os.path.join(directory, "settings.ini")):
                    raise ValueError("settings.ini is missing from %s" % directory)

            """)
        try scratch.write("config/settings.ini", "[x]\n")
        try FileManager.default.createDirectory(atPath: scratch.path + "/empty", withIntermediateDirectories: true)
        func check(_ directory: String) async throws -> CommandResult {
            try await CommandRunner().run(
                Command("python3", ["-m", "silverlining_runner", "check-config", "myapp.checks:check", directory]),
                environment: ["PYTHONPATH": library, "PYTHONDONTWRITEBYTECODE": "1"], workingDirectory: app)
        }
        #expect(try await check(scratch.path + "/config").status == 0)
        let failed = try await check(scratch.path + "/empty")
        #expect(failed.status == 1 && failed.errorText.contains("ValueError: settings.ini is missing from"), "\(failed.transcript)")
    }

    @Test("silversupport: get_secret is stable, get_key reads [keys] and [keys:NAME], is_production follows SILVER_VERSION")
    func silversupport() async throws {
        try scratch.write(".silverlining.conf", "[keys]\nmaps = abc%def\n\n[keys:mail]\nuser = me\n")
        let script = """
            from silversupport.secret import get_secret, get_key
            from silversupport.env import is_production
            print(get_secret() == get_secret(), len(get_secret()) >= 32, get_key("maps"), get_key("mail"), get_key("none"), is_production())

            """
        let result = try await CommandRunner().run(
            Command("python3", ["-c", script]), environment: ["PYTHONPATH": library, "HOME": scratch.path, "SILVER_VERSION": "devel/0.0"])
        #expect(result.text == "True True abc%def {'user': 'me'} None False\n", "\(result.transcript)")
        let production = try await CommandRunner().run(
            Command("python3", ["-c", "from silversupport.env import is_production; print(is_production())"]),
            environment: ["PYTHONPATH": library, "SILVER_VERSION": "silverlining/0.1"])
        #expect(production.text == "True\n")
    }
}

extension CommandResult {
    /// Both streams, for failure messages.
    var transcript: String { "status \(status)\n--- stdout\n\(text)--- stderr\n\(errorText)" }
}
