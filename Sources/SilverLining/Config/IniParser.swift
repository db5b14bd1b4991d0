import Foundation

/// Reads INI as the note writes it: `[section]` headers, `key = value` (also `+=`, `-=`),
/// indented continuation lines, and whole-line `#` or `;` comments.
///
/// Choices where INI dialects differ:
/// - Comments are whole lines only. A `#` after a value is part of the value, because
///   URLs, commands and secrets may contain one; errors about such values say so.
/// - A line that starts with any whitespace (spaces, tabs, or both) continues the value
///   above it, even after blank lines (as Python's configparser does). An indented line
///   with no key above it in its section is an error.
/// - Keys and section names are case-sensitive.
enum IniParser {
    /// Bigger than any sensible config; refusing it early keeps a mistaken path (a disk
    /// image, a log) from being read into memory.
    static let maximumSize = 16 << 20

    static func parse(contentsOf path: String) throws(ConfigError) -> IniDocument {
        let whole = ConfigLocation(file: path, line: nil)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigError(whole, "no such file")
        }
        guard !isDirectory.boolValue else { throw ConfigError(whole, "is a directory, not a config file") }
        // Checked before reading: a device such as /dev/zero would never end.
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard attributes?[.type] as? FileAttributeType == .typeRegular else {
            throw ConfigError(whole, "is not a regular file")
        }
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maximumSize else {
            throw ConfigError(whole, "is \(size) bytes; a config file is at most \(maximumSize) bytes")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(whole, "cannot read this file; check its permissions")
        }
        return try parse(bytes: [UInt8](data), file: path)
    }

    static func parse(bytes input: [UInt8], file: String) throws(ConfigError) -> IniDocument {
        var bytes = input[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        var builder = Builder(file: file)
        var lineNumber = 0
        var start = bytes.startIndex
        while start < bytes.endIndex {
            lineNumber += 1
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.endIndex
            var line = bytes[start..<end]
            if line.last == 0x0D { line = line.dropLast() }
            try builder.take(try decode(line, file: file, line: lineNumber), number: lineNumber)
            start = end < bytes.endIndex ? bytes.index(after: end) : end
        }
        return builder.document
    }

    /// The line as text, or an error for bytes that have no business in a config file.
    private static func decode(_ bytes: ArraySlice<UInt8>, file: String, line: Int) throws(ConfigError) -> String {
        let location = ConfigLocation(file: file, line: line)
        if let bad = bytes.first(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) {
            throw ConfigError(location, "not a text file: it contains the control byte 0x\(String(bad, radix: 16, uppercase: true).leftPadded(to: 2))",
                hint: "nodeset and app files are UTF-8 text")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigError(location, "not valid UTF-8 text", hint: "save the file as UTF-8")
        }
        return text
    }

    /// Builds the document one line at a time.
    private struct Builder {
        var document: IniDocument
        /// Where each section of this file was first opened, to refuse a second `[name]`.
        var opened: [String: Int] = [:]
        var hasCurrentEntry = false

        init(file: String) {
            document = IniDocument(file: file, sections: [])
        }

        mutating func take(_ text: String, number: Int) throws(ConfigError) {
            let location = ConfigLocation(file: document.file, line: number)
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { return }
            let indented = text.first == " " || text.first == "\t"
            if indented {
                guard hasCurrentEntry else {
                    throw ConfigError(location, "indented line does not continue any key",
                        hint: "an indented line continues the value above it; remove the leading whitespace to start a new line")
                }
                let section = document.sections.count - 1
                let entry = document.sections[section].entries.count - 1
                document.sections[section].entries[entry].lines.append(ValueLine(text: trimmed, location: location))
            } else if trimmed.hasPrefix("[") {
                try openSection(trimmed, location: location)
            } else {
                try addEntry(trimmed, location: location)
            }
        }

        private mutating func openSection(_ text: String, location: ConfigLocation) throws(ConfigError) {
            guard text.hasSuffix("]"), text.count >= 2 else {
                throw ConfigError(location, "a section header is [NAME] alone on its line",
                    hint: "comments go on their own line")
            }
            let name = text.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.unicodeScalars.allSatisfy(IniParser.isNameCharacter) else {
                throw ConfigError(location, "\"[\(name)]\" is not a valid section name",
                    hint: "section names are letters, digits, '_', '-', '.' and ':' (e.g. [service:mysql])")
            }
            if let first = opened[name] {
                throw ConfigError(location, section: name, "this section is already opened on line \(first) of this file",
                    hint: "put all of the section's keys under one [\(name)] header")
            }
            opened[name] = location.line
            document.sections.append(IniSection(name: name, location: location, entries: []))
            hasCurrentEntry = false
        }

        private mutating func addEntry(_ text: String, location: ConfigLocation) throws(ConfigError) {
            guard let equals = text.firstIndex(of: "=") else {
                throw ConfigError(location, "expected \"key = value\", a [section] header or a comment",
                    hint: "values continue on lines that start with whitespace")
            }
            var name = Substring(text[..<equals])
            var op = AssignmentOperator.set
            if name.hasSuffix("+") { op = .append; name = name.dropLast() }
            else if name.hasSuffix("-") { op = .remove; name = name.dropLast() }
            let key = name.trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.unicodeScalars.allSatisfy(IniParser.isNameCharacter), !key.contains(":") else {
                throw ConfigError(location, "\"\(key.prefix(60))\" is not a valid key",
                    hint: "keys are letters, digits, '_', '-' and '.'")
            }
            guard let current = document.sections.indices.last else {
                throw ConfigError(location, key: key, "is outside any section",
                    hint: "put it under a section header such as [general]")
            }
            let value = text[text.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            let lines = value.isEmpty ? [] : [ValueLine(text: value, location: location)]
            document.sections[current].entries.append(IniEntry(key: key, op: op, lines: lines, location: location))
            hasCurrentEntry = true
        }
    }

    static func isNameCharacter(_ c: Unicode.Scalar) -> Bool {
        c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || "_-.:".unicodeScalars.contains(c))
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
