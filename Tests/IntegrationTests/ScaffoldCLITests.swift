import Foundation
import SilverLining
import Testing

/// `silver init` and `silver create-config` through the built binary, as a user types them.
/// They need no nodes, so they run wherever the binary is built.
@Suite struct ScaffoldCLITests {
    let directory = NSTemporaryDirectory() + "silver-scaffold-" + UUID().uuidString
    var environment: [String: String] { ["HOME": directory, "SILVER_HOME": directory + "/home"] }

    @Test func initWritesTheLayoutAndSaysWhatItKept() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let app = directory + "/blog"
        let first = try await SilverCLI.run(["init", app], environment: environment)
        #expect(first.status == 0, "\(first.transcript)")
        #expect(first.text == ["static/", "lib/python/", "README.txt", "app.ini", "main.py"].map { "created \(app)/\($0)\n" }.joined())
        let shown = try await SilverCLI.run(["show", app], environment: environment)
        #expect(shown.status == 0 && shown.text.contains("main.py (WSGI)"), "\(shown.transcript)")

        try "# mine\n".write(toFile: app + "/main.py", atomically: true, encoding: .utf8)
        let again = try await SilverCLI.run(["init", app, "--main"], environment: environment)
        #expect(again.status == 0, "\(again.transcript)")
        #expect(again.text.contains("unchanged \(app)/app.ini\n"))
        #expect(again.text.contains("kept \(app)/main.py: it differs from silver's (-f replaces it)\n"), "\(again.text)")
        let forced = try await SilverCLI.run(["init", "-f", app], environment: environment)
        #expect(forced.text.contains("replaced \(app)/main.py\n"), "\(forced.transcript)")
    }

    @Test func createConfigAsksOnStandardInput() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let app = directory + "/blog"
        let template = app + "/config-template"
        try FileManager.default.createDirectory(atPath: template + "/+name+", withIntermediateDirectories: true)
        try "[production]\napp_name = blog\ncommand = true\nconfig.template = config-template\n"
            .write(toFile: app + "/app.ini", atomically: true, encoding: .utf8)
        try "[variables]\ntitle = The blog's title\nauthor = Who writes it\nname = A short name\n"
            .write(toFile: template + "/template.ini", atomically: true, encoding: .utf8)
        try "title = {{title}}\nauthor = {{author}}\n{{if debug}}\ndebug = on\n{{endif}}\n"
            .write(toFile: template + "/+name+/blog.ini.tmpl", atomically: true, encoding: .utf8)

        let info = try await SilverCLI.run(["create-config", app, "--info"], environment: environment)
        #expect(info.status == 0 && info.text.contains("  title:\n    The blog's title\n"), "\(info.transcript)")

        // Asked in name order: author, then title; name and debug are given.
        let output = directory + "/conf"
        let created = try await SilverCLI.run(["create-config", app, output, "name=news", "debug="], environment: environment,
            input: "Ann\nNews of the day\n")
        #expect(created.status == 0, "\(created.transcript)")
        #expect(created.text == "author (Who writes it): \ntitle (The blog's title): \ncreated \(output)/news/blog.ini\n")
        #expect(try String(contentsOfFile: output + "/news/blog.ini", encoding: .utf8) == "title = News of the day\nauthor = Ann\n")

        let ended = try await SilverCLI.run(["create-config", app, output, "name=news", "debug=yes"], environment: environment,
            input: "Bo\n")
        #expect(ended.status == 2, "\(ended.transcript)")
        #expect(ended.errorText == "error: no answer for title: standard input ended\n  or give it as title=VALUE\n")

        let replaced = try await SilverCLI.run(["create-config", app, output, "name=news", "debug=yes", "author=Bo", "title=T"],
            environment: environment)
        #expect(replaced.text == "replaced \(output)/news/blog.ini (the old one is \(output)/news/blog.ini.1)\n", "\(replaced.transcript)")
        #expect(try String(contentsOfFile: output + "/news/blog.ini", encoding: .utf8) == "title = T\nauthor = Bo\ndebug = on\n")

        let undefined = try await SilverCLI.run(["create-config", app, output, "name=x", "author=a", "title=t"], environment: environment)
        #expect(undefined.status == 2)
        #expect(undefined.errorText.hasPrefix("\(template)/+name+/blog.ini.tmpl:3:3: error: undefined variable \"debug\""),
            "\(undefined.transcript)")
    }
}
