/// The part of Tempita (the template language of Silver Lining's `*.tmpl` files) that
/// silver fills templates with:
///
/// - `{{name}}`: the variable's value; in `.html`/`.htm` files with `& < > " '` escaped,
///   as Tempita's HTMLTemplate does.
/// - `{{if name}}`, `{{if not name}}`, `{{elif ...}}`, `{{else}}`, `{{endif}}`: a variable
///   is true when its value is not empty (Python's truth for strings).
/// - `{{# comment}}`: nothing.
///
/// Lines holding only a block directive vanish as they do in Tempita. Anything else
/// between braces (Python expressions, filters, `for`, `def`, `py:`, `default`, `inherit`)
/// is an error naming the file, line and column, not silently different output.
public struct TempitaTemplate: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case variable(String, line: Int, column: Int)
        /// `if`/`elif` branches in order, then the `else` body.
        case conditional([(condition: Condition, body: [Node])], otherwise: [Node])
    }

    struct Condition: Sendable {
        var variable: String
        var negated: Bool
        var line: Int
        var column: Int
    }

    let file: String
    let nodes: [Node]

    public init(_ text: String, file: String) throws(TemplateError) {
        self.file = file
        var parser = TempitaParser(chunks: try TempitaLexer.lex(text, file: file), file: file)
        nodes = try parser.parseAll()
    }

    /// - Throws: `TemplateError` for a variable `variables` does not hold.
    public func render(_ variables: [String: String], escapingHTML: Bool = false) throws(TemplateError) -> String {
        var output = ""
        try render(nodes, variables, escapingHTML: escapingHTML, into: &output)
        return output
    }

    private func render(_ nodes: [Node], _ variables: [String: String], escapingHTML: Bool, into output: inout String) throws(TemplateError) {
        for node in nodes {
            switch node {
            case .text(let text):
                output += text
            case .variable(let name, let line, let column):
                let value = try lookup(name, variables, line: line, column: column)
                output += escapingHTML ? Self.htmlEscaped(value) : value
            case .conditional(let branches, let otherwise):
                var chosen = otherwise
                for branch in branches {
                    let condition = branch.condition
                    let value = try lookup(condition.variable, variables, line: condition.line, column: condition.column)
                    if value.isEmpty == condition.negated {
                        chosen = branch.body
                        break
                    }
                }
                try render(chosen, variables, escapingHTML: escapingHTML, into: &output)
            }
        }
    }

    private func lookup(_ name: String, _ variables: [String: String], line: Int, column: Int) throws(TemplateError) -> String {
        guard let value = variables[name] else {
            throw TemplateError(file: file, line: line, column: column, "undefined variable \"\(name)\"",
                hint: DidYouMean.hint(for: name, among: Array(variables.keys), listing: "variables"))
        }
        return value
    }

    /// Python's `html.escape(value, quote=True)`, which Tempita's HTMLTemplate applies.
    static func htmlEscaped(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#x27;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
