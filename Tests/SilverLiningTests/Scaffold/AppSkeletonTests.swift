import Foundation
import Testing

@testable import SilverLining

/// `silver init`'s layout: what it writes, that silver's own app.ini reader takes it as
/// written, and that running it again keeps what the user changed.
@Suite struct AppSkeletonTests {
    static let python = "/usr/bin/python3"

    @Test func defaultLayoutIsAWSGIAppSilverDeploys() throws {
        let scratch = try ScratchDirectory()
        let directory = scratch.path + "/my-blog"
        let steps = try AppSkeleton(directory: directory).write(force: false)
        #expect(steps.map(\.path) == ["static/", "lib/python/", "README.txt", "app.ini", "main.py"])
        #expect(steps.allSatisfy { $0.outcome == .created })

        let app = try AppLoader.load(directory: directory)
        #expect(app.appName == "my-blog")
        #expect(app.launch == .wsgi(runner: "main.py"))
        #expect(app.services.isEmpty)
        let ini = try String(contentsOfFile: directory + "/app.ini", encoding: .utf8)
        for service in ServiceKind.allCases {
            #expect(ini.contains("\n#service.\(service.rawValue) =\n"), "\(ini)")
        }
        #expect(ini.contains("\n# default_location = http://"))
        #expect(!ini.contains("{{") && !ini.contains("\n\n"), "\(ini)")
    }

    @Test func configLayoutIsPasteDeploySyntax() throws {
        let scratch = try ScratchDirectory()
        let directory = scratch.path + "/2048-game"
        let steps = try AppSkeleton(directory: directory, config: true).write(force: false)
        #expect(steps.map(\.path) == ["static/", "lib/python/", "README.txt", "app.ini", "config.ini", "lib/python/app_2048_game.py"])
        let ini = try String(contentsOfFile: directory + "/app.ini", encoding: .utf8)
        #expect(ini.contains("\nrunner = config.ini\n") && ini.contains("\npackages = python3-pastedeploy\n"), "\(ini)")
        // Every key is one app.ini takes (the runner's kind is checked when the app loads).
        try ConfigSchema.app.validate(try IniParser.parse(contentsOf: directory + "/app.ini"), fileKind: "app.ini")
        let config = try String(contentsOfFile: directory + "/config.ini", encoding: .utf8)
        #expect(config.contains("[app:main]\npaste.app_factory = app_2048_game:make_app\n"), "\(config)")
    }

    @Test func bothFlagsMakeMainTheRunner() throws {
        let scratch = try ScratchDirectory()
        let directory = scratch.path + "/both"
        let steps = try AppSkeleton(directory: directory, main: true, config: true).write(force: false)
        #expect(steps.map(\.path).suffix(3) == ["config.ini", "lib/python/both.py", "main.py"])
        #expect(try AppLoader.load(directory: directory).launch == .wsgi(runner: "main.py"))
    }

    @Test func runningAgainKeepsEditsUnlessForced() throws {
        let scratch = try ScratchDirectory()
        let directory = scratch.path + "/app"
        let skeleton = try AppSkeleton(directory: directory)
        _ = try skeleton.write(force: false)
        #expect(try skeleton.write(force: false).allSatisfy { $0.outcome == .unchanged })

        try "edited\n".write(toFile: directory + "/main.py", atomically: true, encoding: .utf8)
        let ini = try String(contentsOfFile: directory + "/app.ini", encoding: .utf8) + "service.files =\n"
        try ini.write(toFile: directory + "/app.ini", atomically: true, encoding: .utf8)
        let kept = try skeleton.write(force: false)
        #expect(try #require(kept.first { $0.path == "main.py" }).line(in: "app") == "kept app/main.py: it differs from silver's (-f replaces it)")
        #expect(try String(contentsOfFile: directory + "/main.py", encoding: .utf8) == "edited\n")

        let forced = try skeleton.write(force: true)
        #expect(forced.first { $0.path == "main.py" }?.outcome == .replaced(backup: nil))
        #expect(forced.first { $0.path == "app.ini" }?.outcome == .kept(note: "init never replaces it"))
        #expect(try String(contentsOfFile: directory + "/app.ini", encoding: .utf8) == ini)
        #expect(try String(contentsOfFile: directory + "/main.py", encoding: .utf8).contains("def application(environ, start_response)"))
    }

    @Test func directoryNameMustBeAnAppName() {
        let error = #expect(throws: UsageError.self) { try AppSkeleton(directory: "/tmp/my blog") }
        #expect(error?.message.contains("\"my blog\"") == true)
    }

    /// The runners do what app.ini says, under Debian's Python as the app servers run them:
    /// main.py through runpy as silver's gunicorn wrapper loads it, config.ini through Paste
    /// Deploy as Silver Lining loads a .ini runner.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: Self.python), "needs Debian's python3"))
    func runnersAnswerUnderPython() async throws {
        let scratch = try ScratchDirectory()
        let directory = scratch.path + "/hello"
        _ = try AppSkeleton(directory: directory, main: true, config: true).write(force: false)
        let call = """
            import sys
            def call(app):
                out = []
                body = app({"PATH_INFO": "/"}, lambda status, headers: out.append(status))
                return out[0] + " " + b"".join(body).decode()
            """
        let main = try await CommandRunner().check(Command(Self.python, ["-c", call + """

            import runpy
            print(call(runpy.run_path(sys.argv[1])["application"]), end="")
            """, directory + "/main.py"]), environment: ["SILVER_INSTANCE_NAME": "hello.2026-01-01_001"])
        #expect(main.text == "200 OK Hello from hello.2026-01-01_001\n")

        let pasteDeploy = try await CommandRunner().run(Command(Self.python, ["-c", "import paste.deploy"]))
        guard pasteDeploy.status == 0 else {
            // scripts/test installs python3-pastedeploy; elsewhere this half is left out.
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "paste.deploy is missing")
            return
        }
        let config = try await CommandRunner().check(Command(Self.python, ["-c", call + """

            sys.path.insert(0, sys.argv[1] + "/lib/python")
            from paste.deploy import loadapp
            print(call(loadapp("config:" + sys.argv[1] + "/config.ini")), end="")
            """, directory]))
        #expect(config.text == "200 OK Hello from hello\n")
    }
}
