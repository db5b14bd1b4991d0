import Foundation

/// Turns lexed chunks into `TempitaTemplate.Node`s, with Tempita's error messages for
/// misplaced block directives and silver's own for what it does not implement.
struct TempitaParser {
    typealias Node = TempitaTemplate.Node

    var chunks: [TempitaLexer.Chunk]
    var file: String
    var position = 0

    static let supported = "silver fills {{name}}, {{if name}}, {{if not name}}, {{elif ...}}, {{else}}, {{endif}} and {{# comments}}"

    mutating func parseAll() throws(TemplateError) -> [Node] {
        var nodes: [Node] = []
        while position < chunks.count { nodes.append(try parseOne()) }
        return nodes
    }

    private mutating func parseOne() throws(TemplateError) -> Node {
        let chunk = chunks[position]
        position += 1
        guard case .directive(let raw, let line, let column) = chunk else {
            if case .text(let bytes) = chunk { return .text(String(decoding: bytes, as: UTF8.self)) }
            return .text("")
        }
        let directive = Self.statement(raw)
        let word = directive.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
        switch word {
        case "if":
            return try parseConditional(directive, line: line, column: column)
        case "elif", "else":
            throw TemplateError(file: file, line: line, column: column, "\(word) outside of an if block")
        case "endif":
            throw TemplateError(file: file, line: line, column: column, "unexpected endif")
        default:
            if directive.hasPrefix("#") { return .text("") }
            guard Self.isIdentifier(directive) else {
                throw TemplateError(file: file, line: line, column: column,
                    "{{\(raw)}} is not in silver's Tempita subset", hint: Self.supported)
            }
            return .variable(directive, line: line, column: column)
        }
    }

    private mutating func parseConditional(_ opening: String, line: Int, column: Int) throws(TemplateError) -> Node {
        var branches: [(condition: TempitaTemplate.Condition, body: [Node])] = []
        var condition: TempitaTemplate.Condition? = try self.condition(opening, line: line, column: column)
        var body: [Node] = []
        while true {
            guard position < chunks.count else {
                throw TemplateError(file: file, line: line, column: column, "no {{endif}} for this if")
            }
            if case .directive(let raw, let at, let col) = chunks[position] {
                let directive = Self.statement(raw)
                if directive == "endif" || directive == "else" || directive.hasPrefix("elif ") || directive == "elif" {
                    position += 1
                    if let condition { branches.append((condition, body)) } else if directive != "endif" {
                        throw TemplateError(file: file, line: at, column: col, "\(directive.split(separator: " ")[0]) after else")
                    }
                    if directive == "endif" { return .conditional(branches, otherwise: condition == nil ? body : []) }
                    condition = directive == "else" ? nil : try self.condition(directive, line: at, column: col)
                    body = []
                    continue
                }
            }
            body.append(try parseOne())
        }
    }

    /// `if name`, `elif not name` (a trailing `:` allowed, as Tempita allows it).
    private func condition(_ directive: String, line: Int, column: Int) throws(TemplateError) -> TempitaTemplate.Condition {
        var words = directive.split(separator: " ").map(String.init).dropFirst()
        guard !words.isEmpty else {
            throw TemplateError(file: file, line: line, column: column, "\(directive) with no expression")
        }
        let negated = words.first == "not"
        if negated { words = words.dropFirst() }
        guard words.count == 1, let name = words.first, Self.isIdentifier(name) else {
            throw TemplateError(file: file, line: line, column: column,
                "{{\(directive)}} is not in silver's Tempita subset", hint: Self.supported)
        }
        return TempitaTemplate.Condition(variable: name, negated: negated, line: line, column: column)
    }

    /// The directive without surrounding whitespace or the trailing `:` Tempita tolerates.
    static func statement(_ raw: String) -> String {
        var text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasSuffix(":"), text.hasPrefix("if ") || text.hasPrefix("elif ") { text.removeLast() }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// A Python identifier in ASCII: what `{{name}}` may hold.
    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}
