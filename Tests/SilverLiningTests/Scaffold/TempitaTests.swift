import Testing

@testable import SilverLining

/// silver's Tempita subset against outputs of Tempita 0.6.0 itself (the expected strings
/// were printed by `tempita.Template(text).substitute(values)`), whitespace trimming included.
@Suite struct TempitaTests {
    @Test(arguments: [
        ("title = {{title}}\n", ["title": "Blog"], "title = Blog\n"),
        ("[{{ title }}]", ["title": "x"], "[x]"),
        ("a\n{{if debug}}\ndebug = true\n{{else}}\ndebug = false\n{{endif}}\nb\n", ["debug": ""], "a\ndebug = false\nb\n"),
        ("{{if a}}\nA\n{{elif not b}}\nnot B\n{{else}}\nelse\n{{endif}}\n", ["a": "", "b": ""], "not B\n"),
        ("x\n    {{if a}}\n  y\n    {{endif}}\nz\n", ["a": "1"], "x\n  y\nz\n"),
        // Python's `$` matches before a final newline, so Tempita eats the blank line too.
        ("a\n\n{{if a}}\nb\n{{endif}}\n", ["a": "1"], "a\nb\n"),
        ("v={{if a}}yes{{else}}no{{endif}};\n", ["a": "1"], "v=yes;\n"),
        ("{{# note}}\nq {{# inline}}r\n", [:], "\nq r\n"),
        ("a\r\n{{if a}}\r\nb\r\n{{endif}}\r\nc\r\n", ["a": "1"], "a\r\n\r\nb\r\n\r\nc\r\n"),
        ("{{if a:}}\nA\n{{elif b:}}\nB\n{{endif}}\n", ["a": "", "b": "1"], "B\n"),
        ("{{if a}}\n{{if b}}\nab\n{{endif}}\n{{endif}}\nend", ["a": "1", "b": "1"], "ab\nend"),
        ("x\n{{if a}}\ny\n{{endif}}  \n", ["a": "1"], "x\ny\n"),
        ("héllo {{name}} ünd {{name}}", ["name": "wörld"], "héllo wörld ünd wörld"),
    ])
    func fillsAsTempitaDoes(template: String, values: [String: String], expected: String) throws {
        #expect(try TempitaTemplate(template, file: "t.tmpl").render(values) == expected)
    }

    @Test(arguments: [
        ("{{x", 1, 3, "no }} to finish the expression"),
        ("a }}", 1, 3, "}} outside expression"),
        ("{{ {{", 1, 4, "{{ inside expression"),
        ("x\n{{else}}", 2, 3, "else outside of an if block"),
        ("{{elif a}}", 1, 3, "elif outside of an if block"),
        ("{{endif}}", 1, 3, "unexpected endif"),
        ("\n\n  {{if a}}\nx\n", 3, 5, "no {{endif}} for this if"),
        ("{{if}}\n{{endif}}", 1, 3, "if with no expression"),
        ("{{if a}}{{else}}{{elif a}}{{endif}}", 1, 19, "elif after else"),
        ("line\n  {{undefined}}", 2, 5, "undefined variable \"undefined\""),
        ("{{if missing}}x{{endif}}", 1, 3, "undefined variable \"missing\""),
        ("{{name|html}}", 1, 3, "{{name|html}} is not in silver's Tempita subset"),
        ("{{name.upper()}}", 1, 3, "{{name.upper()}} is not in silver's Tempita subset"),
        ("{{for x in a}}{{x}}{{endfor}}", 1, 3, "{{for x in a}} is not in silver's Tempita subset"),
        ("{{py:x = 1}}", 1, 3, "{{py:x = 1}} is not in silver's Tempita subset"),
        ("{{default a = 'x'}}", 1, 3, "{{default a = 'x'}} is not in silver's Tempita subset"),
        ("{{if a == 'x'}}{{endif}}", 1, 3, "{{if a == 'x'}} is not in silver's Tempita subset"),
        ("{{else:}}", 1, 3, "{{else:}} is not in silver's Tempita subset"),
    ])
    func refusesWhatItCannotFill(template: String, line: Int, column: Int, message: String) {
        let error = #expect(throws: TemplateError.self) {
            try TempitaTemplate(template, file: "conf/t.tmpl").render(["a": "1", "name": "n"])
        }
        #expect(error?.file == "conf/t.tmpl")
        #expect(error.map { [$0.line, $0.column] } == [line, column], "\(String(describing: error))")
        #expect(error?.message == message)
    }

    @Test func errorsReadLikeACompilers() {
        let error = #expect(throws: TemplateError.self) { try TempitaTemplate("{{titel}}", file: "c.tmpl").render(["title": "x"]) }
        #expect(error?.description == "c.tmpl:1:3: error: undefined variable \"titel\"\n  did you mean \"title\"? variables: title")
    }
}
