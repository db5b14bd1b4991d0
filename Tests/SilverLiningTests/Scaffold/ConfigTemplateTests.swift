import Foundation
import Testing

@testable import SilverLining

/// create-config's parts: reading config.template and its template.ini, and filling a new
/// directory as Silver Lining's fill_directory did.
@Suite struct ConfigTemplateTests {
    /// An app whose config.template has a template.ini, a filled file, a plain file, a
    /// `+var+` directory and files create-config must leave out.
    func app(in scratch: ScratchDirectory) throws -> AppConfig {
        try scratch.write("app/app.ini", "[production]\napp_name = blog\nrunner = main.py\nconfig.template = src/blog/config-template/\n")
        try scratch.write("app/main.py", "")
        let template = "app/src/blog/config-template/"
        try scratch.write(template + "template.ini", "[variables]\nTitle = The Title Of The Application\nauthor = Your Name,\n  with email\n")
        try scratch.write(template + "config.ini.tmpl", "[blog]\ntitle = {{title}}\n{{if author}}\nauthor = {{author}}\n{{endif}}\n")
        try scratch.write(template + "+title+/logo.png", bytes: [0x89, 0x50, 0xFF, 0x00])
        try scratch.write(template + "+dot+htaccess", "Deny from all\n")
        try scratch.write(template + ".hidden", "left out\n")
        try scratch.write(template + "sub/template.ini", "left out too\n")
        return try AppLoader.load(directory: scratch.path + "/app")
    }

    @Test func readsTheVariablesOfTemplateIni() throws {
        let scratch = try ScratchDirectory()
        let template = try ConfigTemplate.load(app: try app(in: scratch))
        #expect(template.directory == scratch.path + "/app/src/blog/config-template/")
        #expect(template.variables == [
            .init(name: "author", description: "Your Name, with email"),
            .init(name: "title", description: "The Title Of The Application"),
        ])
        #expect(template.info == """
            The variables that can be substituted in the files:
              author:
                Your Name, with email
              title:
                The Title Of The Application

            """)
        var asked: [String] = []
        let values = template.values(given: ["title": "Mine"]) { variable in
            asked.append(variable.name)
            return "Ann"
        }
        #expect(asked == ["author"] && values == ["title": "Mine", "author": "Ann"])
    }

    @Test func fillsCopiesAndBacksUp() throws {
        let scratch = try ScratchDirectory()
        let template = try ConfigTemplate.load(app: try app(in: scratch))
        let output = scratch.path + "/out"
        let fill = TemplateFill(source: template.directory, destination: output, values: ["title": "News", "author": ""])
        #expect(try fill.run() == [
            .init(path: ".htaccess", outcome: .created),
            .init(path: "News/logo.png", outcome: .created),
            .init(path: "config.ini", outcome: .created),
        ])
        #expect(try String(contentsOfFile: output + "/config.ini", encoding: .utf8) == "[blog]\ntitle = News\n")
        #expect(FileManager.default.contents(atPath: output + "/News/logo.png") == Data([0x89, 0x50, 0xFF, 0x00]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: output).sorted() == [".htaccess", "News", "config.ini"])

        #expect(try fill.run().allSatisfy { $0.outcome == .unchanged })
        let again = TemplateFill(source: template.directory, destination: output, values: ["title": "News", "author": "Bo"])
        #expect(try again.run().last == .init(path: "config.ini", outcome: .replaced(backup: "config.ini.1")))
        #expect(try String(contentsOfFile: output + "/config.ini.1", encoding: .utf8) == "[blog]\ntitle = News\n")
        #expect(try String(contentsOfFile: output + "/config.ini", encoding: .utf8) == "[blog]\ntitle = News\nauthor = Bo\n")
        _ = try TemplateFill(source: template.directory, destination: output, values: ["title": "News", "author": "Cy"]).run()
        #expect(try String(contentsOfFile: output + "/config.ini.2", encoding: .utf8).hasSuffix("author = Bo\n"))
        #expect(FileStep(path: "config.ini", outcome: .replaced(backup: "config.ini.2")).line(in: "out")
            == "replaced out/config.ini (the old one is out/config.ini.2)")
    }

    @Test func refusesWhatItCannotFill() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("t/+nmae+.txt", "")
        let path = #expect(throws: UsageError.self) {
            try TemplateFill(source: scratch.path + "/t", destination: scratch.path + "/o", values: ["name": "x"]).run()
        }
        #expect(path?.hint == "did you mean \"name\"? variables: dot, name")

        try scratch.write("u/a.tmpl", "{{title}")
        #expect(throws: TemplateError.self) {
            try TemplateFill(source: scratch.path + "/u", destination: scratch.path + "/o", values: [:]).run()
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/o"))

        let noTemplate = AppConfig(directory: scratch.path, appName: "plain", launch: .command("true"))
        let missing = #expect(throws: UsageError.self) { try ConfigTemplate.load(app: noTemplate) }
        #expect(missing?.message == "the app plain has no config.template")
    }

    @Test(arguments: [["title"], ["=x"]])
    func assignmentsAreVarEqualsValue(words: [String]) {
        #expect(throws: UsageError.self) { try ConfigTemplate.assignments(words) }
    }

    @Test func assignmentsKeepEqualsInValues() throws {
        #expect(try ConfigTemplate.assignments(["url=http://x/?a=b", "empty="]) == ["url": "http://x/?a=b", "empty": ""])
    }
}
