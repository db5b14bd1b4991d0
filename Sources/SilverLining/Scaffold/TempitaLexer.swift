/// Splits a Tempita template into text and `{{...}}` directives, and trims the whitespace
/// around directives that stand alone on their line, as Tempita's `lex` and `trim_lex` do,
/// so that a filled file has the same lines it would have had under Silver Lining.
enum TempitaLexer {
    enum Chunk: Equatable {
        case text([UInt8])
        /// The directive's text as written between the braces, and where that text starts.
        case directive(String, line: Int, column: Int)
    }

    /// Works on bytes: the braces, newlines and whitespace Tempita looks at are all ASCII,
    /// and a `\r\n` must stay two characters for its rules to apply as written.
    static func lex(_ text: String, file: String) throws(TemplateError) -> [Chunk] {
        let bytes = Array(text.utf8)
        var chunks: [Chunk] = []
        var index = 0
        var textStart = 0
        var opened: (index: Int, line: Int, column: Int)?
        var line = 1
        var lineStart = 0
        func column(_ at: Int) -> Int { String(decoding: bytes[lineStart..<at], as: UTF8.self).count + 1 }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                lineStart = index + 1
            }
            let pair = index + 1 < bytes.count && bytes[index + 1] == byte
            if pair, byte == UInt8(ascii: "{") {
                guard opened == nil else { throw TemplateError(file: file, line: line, column: column(index), "{{ inside expression") }
                if textStart < index { chunks.append(.text(Array(bytes[textStart..<index]))) }
                opened = (index + 2, line, column(index + 2))
                index += 2
                continue
            }
            if pair, byte == UInt8(ascii: "}") {
                guard let start = opened else { throw TemplateError(file: file, line: line, column: column(index), "}} outside expression") }
                let content = String(decoding: bytes[start.index..<index], as: UTF8.self)
                chunks.append(.directive(content, line: start.line, column: start.column))
                opened = nil
                index += 2
                textStart = index
                continue
            }
            index += 1
        }
        if let start = opened {
            throw TemplateError(file: file, line: start.line, column: start.column, "no }} to finish the expression")
        }
        if textStart < bytes.count { chunks.append(.text(Array(bytes[textStart...]))) }
        return trimmed(chunks)
    }

    /// Tempita's `trim_lex`, rule for rule: a block directive (`if`, `elif`, `else`,
    /// `endif`, and the ones silver does not implement) alone on its line takes the line's
    /// indentation and its newline with it.
    static func trimmed(_ input: [Chunk]) -> [Chunk] {
        var chunks = input
        var lastTrim: Int?
        for i in chunks.indices {
            guard case .directive(let item, _, _) = chunks[i], isBlockStatement(item) else { continue }
            let previous: [UInt8], next: [UInt8]
            if i == 0 {
                previous = []
            } else if case .text(let text) = chunks[i - 1] {
                previous = text
            } else {
                continue
            }
            if i + 1 >= chunks.count {
                next = []
            } else if case .text(let text) = chunks[i + 1] {
                next = text
            } else {
                continue
            }
            let trailing = trailingWhitespaceStart(previous)
            var previousOK = previous.isEmpty || trailing != nil
            if i == 1 && isBlank(previous) { previousOK = true }
            let followsTrim = lastTrim == i - 2 && isBlank(previous)
            if followsTrim { previousOK = true }
            let lastAndBlank = i == chunks.count - 2 && isBlank(next)
            guard previousOK, next.isEmpty || leadingWhitespaceEnd(next) != nil || lastAndBlank else { continue }
            if !previous.isEmpty {
                if (i == 1 && isBlank(previous)) || followsTrim {
                    chunks[i - 1] = .text([])
                } else if let trailing {
                    // The newline that ends the text's last full line stays.
                    chunks[i - 1] = .text(Array(previous[...trailing]))
                }
            }
            if !next.isEmpty {
                lastTrim = i
                if lastAndBlank {
                    chunks[i + 1] = .text([])
                } else if let end = leadingWhitespaceEnd(next) {
                    chunks[i + 1] = .text(Array(next[end...]))
                }
            }
        }
        return chunks
    }

    static func isBlockStatement(_ item: String) -> Bool {
        let openers = ["if ", "elif ", "for ", "def ", "inherit ", "default ", "py:"]
        let singles = ["else", "endif", "endfor", "enddef", "continue", "break"]
        return openers.contains { item.hasPrefix($0) } || singles.contains(item)
    }

    /// Where Python's `re.search(r'\n\r?[\t ]*$', text)` matches. Its `$` also matches just
    /// before a final newline, so the leftmost match may start one line early: Tempita
    /// drops a blank line above a directive, and so does silver.
    static func trailingWhitespaceStart(_ text: [UInt8]) -> Int? {
        for start in text.indices where text[start] == UInt8(ascii: "\n") {
            var index = start + 1
            if index < text.count, text[index] == UInt8(ascii: "\r") { index += 1 }
            while index < text.count, text[index] == UInt8(ascii: " ") || text[index] == UInt8(ascii: "\t") { index += 1 }
            if index == text.count || (index == text.count - 1 && text[index] == UInt8(ascii: "\n")) { return start }
        }
        return nil
    }

    /// Where Python's `re.match(r'[\t ]*\n', text)` ends.
    static func leadingWhitespaceEnd(_ text: [UInt8]) -> Int? {
        var index = 0
        while index < text.count, text[index] == UInt8(ascii: " ") || text[index] == UInt8(ascii: "\t") { index += 1 }
        return index < text.count && text[index] == UInt8(ascii: "\n") ? index + 1 : nil
    }

    /// Python's `not text.strip()`.
    static func isBlank(_ text: [UInt8]) -> Bool {
        text.allSatisfy { [9, 10, 11, 12, 13, 28, 29, 30, 31, 32].contains($0) }
    }
}
