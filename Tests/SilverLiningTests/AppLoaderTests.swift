import Foundation
import Testing

@testable import SilverLining

@Suite struct AppLoaderTests {
    let scratch: ScratchDirectory

    init() throws { scratch = try ScratchDirectory() }

    /// Writes `app/app.ini` and loads the app.
    func app(_ text: String) throws -> AppConfig {
        try scratch.write("app/app.ini", text)
        return try AppLoader.load(directory: scratch.path + "/app")
    }

    func appError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ConfigError? {
        try scratch.write("app/app.ini", text)
        return #expect(throws: ConfigError.self, sourceLocation: sourceLocation) { try AppLoader.load(directory: scratch.path + "/app") }
    }

    @Test func theNotesApp() throws {
        let app = try AppLoader.load(directory: Fixtures.path("apps/blog"))
        #expect(app.appName == "blog")
        #expect(app.services == ["mysql": ""])
        #expect(app.updateFetch == ["/setup-stuff"])
        #expect(app.launch == .command("./serve --port $PORT"))
        #expect(app.healthCheck == "/")
        #expect(app.staticDirectory == "static")
        #expect(app.packages.isEmpty)
    }

    @Test func everyKey() throws {
        try scratch.write("app/wsgi/app.py", "application = None\n")
        let app = try app("""
            [production]
            app_name = shop_2
            runner = wsgi/app.py
            service.postgresql = dbname=shop
            service.files =
            update_fetch = /setup /warm
                script:bin/migrate --all
            packages = libpq5 imagemagick
                python3-psycopg2
            default_location = shop.example.com
            health_check = /healthz
            env.API_URL = https://api.example.com/?a=b
            env.EMPTY =
            static = public/assets
            """)
        #expect(app.appName == "shop_2")
        #expect(app.launch == .wsgi(runner: "wsgi/app.py"))
        #expect(app.services == ["postgresql": "dbname=shop", "files": ""])
        #expect(app.updateFetch == ["/setup", "/warm", "script:bin/migrate --all"])
        #expect(app.packages == ["libpq5", "imagemagick", "python3-psycopg2"])
        #expect(app.defaultLocation == "shop.example.com")
        #expect(app.healthCheck == "/healthz")
        #expect(app.environment == [
            EnvironmentVariable(name: "API_URL", value: "https://api.example.com/?a=b"), EnvironmentVariable(name: "EMPTY", value: ""),
        ])
        #expect(app.staticDirectory == "public/assets")
        #expect(app.warnings.isEmpty)
    }

    @Test(arguments: [
        ("[production]\napp_name = a\n", 1, nil as String?, "neither runner nor command"),
        ("[production]\napp_name = a\nrunner = app.py\ncommand = ./x\n", 4, nil, "give runner or command, not both"),
        ("[production]\napp_name = a\nrunner = app.rb\n", 3, "runner", "must be a .py file"),
        ("[production]\napp_name = a\nrunner = missing.py\n", 3, "runner", "no such file"),
        ("[production]\ncommand = ./x\n", 1, "app_name", "is missing"),
        ("[production]\napp_name = ../etc\ncommand = ./x\n", 2, "app_name", "must be letters, digits"),
        ("[production]\napp_name = a b\ncommand = ./x\n", 2, "app_name", "must be letters, digits"),
        ("[production]\napp_name = a\ncommand = ./x\nservice.redis =\n", 4, "service.redis", "unknown service \"redis\""),
        ("[production]\napp_name = a\ncommand = ./x\nhealth_check = healthz\n", 4, "health_check", "must be a path starting with /"),
        ("[production]\napp_name = a\ncommand = ./x\nenv.1BAD = x\n", 4, "env.1BAD", "must be env.NAME"),
        ("[production]\napp_name = a\ncommand = ./x\nupdate_fetch = setup\n", 4, "update_fetch", "paths starting with /"),
        ("[production]\napp_name = a\ncommand = ./x\nupdate_fetch = /ok /caf\u{e9}\n", 4, "update_fetch", "%-escapes"),
        ("[production]\napp_name = a\ncommand = ./x\nupdate_fetch = /a<script>\n", 4, "update_fetch", "%-escapes"),
        ("[production]\napp_name = a\ncommand = ./x\nhealth_check = /he\"alth\n", 4, "health_check", "%-escapes"),
        ("[production]\napp_name = a\ncommand = ./x\npackages = libfoo Bad_Name\n", 4, "packages", "Debian package names"),
        ("[production]\napp_name = a\ncommand = ./x\nstatic = ../outside\n", 4, "static", "inside the app directory"),
        ("[production]\napp_name = a\ncommand = ./x\nrunner_file = x\n", 4, "runner_file", "unknown key"),
    ])
    func errors(text: String, line: Int, key: String?, message: String) throws {
        try scratch.write("app/app.py", "")
        let error = try #require(try appError(text))
        #expect(error.names(file: "app.ini", line: line, section: "production", key: key))
        #expect(error.description.contains(message))
        #expect(error.exitStatus == ExitStatus.badInput)
    }

    @Test func unknownKeysSuggestTheNearest() throws {
        let typo = try #require(try appError("[production]\napp_name = a\ncommand = ./x\nhealthcheck = /\n"))
        #expect(typo.hint?.hasPrefix("did you mean \"health_check\"?") == true)
        let family = try #require(try appError("[production]\napp_name = a\ncommand = ./x\nservices.mysql =\n"))
        #expect(family.hint?.hasPrefix("did you mean \"service.mysql\"?") == true)
        let service = try #require(try appError("[production]\napp_name = a\ncommand = ./x\nservice.postgres =\n"))
        #expect(service.hint?.hasPrefix("did you mean \"postgis\"?") == true || service.hint?.hasPrefix("did you mean \"postgresql\"?") == true)
        #expect(service.hint?.contains("files, mysql, postgis, postgresql, writable_root") == true)
    }

    @Test func missingPieces() throws {
        let noDirectory = try #require(#expect(throws: ConfigError.self) { try AppLoader.load(directory: scratch.path + "/none") })
        #expect(noDirectory.description.contains("no such app directory"))

        try FileManager.default.createDirectory(atPath: scratch.path + "/empty", withIntermediateDirectories: true)
        let noIni = try #require(#expect(throws: ConfigError.self) { try AppLoader.load(directory: scratch.path + "/empty") })
        #expect(noIni.description.hasPrefix(scratch.path + "/empty/app.ini: error: no app.ini"))

        let noSection = try #require(try appError("[devel]\napp_name = a\n"))
        #expect(noSection.names(file: "app.ini", line: 1, section: "devel"))
        #expect(noSection.hint?.contains("did you mean") == false)
    }

    @Test func keyGivenTwiceWarns() throws {
        let app = try app("[production]\napp_name = a\ncommand = ./x\napp_name = b\n")
        #expect(app.appName == "b")
        #expect(app.warnings.contains { $0.contains("app.ini:4: warning: [production] app_name: given twice") })
    }

    @Test func dollarsAreKeptAsWritten() throws {
        let app = try app("[production]\napp_name = a\ncommand = exec ./x --port ${PORT}\nenv.HOME_DIR = ${HOME}\n")
        #expect(app.launch == .command("exec ./x --port ${PORT}"))
        #expect(app.environment.first?.value == "${HOME}")
    }
}
