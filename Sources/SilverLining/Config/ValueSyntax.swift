/// The small grammars of config values: booleans, counts, sizes, names and addresses.
enum ValueSyntax {
    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on", "1": true
        case "false", "no", "off", "0": false
        default: nil
        }
    }

    /// A whole number from 1 to `maximum`; nil for anything else (`-1`, `0`, `abc`, `1e3`).
    static func positiveInt(_ text: String, maximum: Int) -> Int? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), text.count <= 9,
            let number = Int(text), (1...maximum).contains(number)
        else { return nil }
        return number
    }

    /// `id 1`, `ram 256MB`, `ram 2GB` (units in any case, with or without a space before them).
    static func size(_ text: String) -> NodeSize? {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let kind = words.first?.lowercased() else { return nil }
        if kind == "id", words.count == 2 { return .id(words[1]) }
        guard kind == "ram", words.count == 2 || words.count == 3 else { return nil }
        let amount = words.dropFirst().joined().uppercased()
        for (unit, factor) in [("MB", 1), ("GB", 1024)] where amount.hasSuffix(unit) {
            guard let number = positiveInt(String(amount.dropLast(2)), maximum: (1 << 30) / factor) else { return nil }
            return .ram(megabytes: number * factor)
        }
        return nil
    }

    /// A path an HTTP request line can carry as written: starts with `/`, then only RFC 3986's
    /// path and query characters (`%` escapes for anything else). No space, control
    /// character or line break can end the request line early or add a header to it.
    static func isRequestPath(_ text: String) -> Bool {
        text.hasPrefix("/") && text.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-._~!$&'()*+,;=:@/%?".unicodeScalars.contains($0))
        }
    }

    /// RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens.
    static func isHostName(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }
        }
    }

    /// Where a node can be reached: an IPv4 or IPv6 address, or a host name.
    static func isAddress(_ text: String) -> Bool {
        if isHostName(text) { return true }
        let isIPv6 = text.contains(":") && text.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit || $0 == ":" || $0 == "." }
        return isIPv6
    }

    /// Names that become directories, unit names and database names: letters, digits, `_`,
    /// `-` (and whatever `also` adds), starting with a letter or digit.
    static func isSafeIdentifier(_ text: String, also extra: String = "") -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic || ("0"..."9").contains(first) else {
            return false
        }
        let allowed = "_-" + extra
        return text.utf8.count <= 64
            && text.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || allowed.unicodeScalars.contains($0))
            }
    }

    /// Quoted for an error message, shortened so a huge value does not flood the terminal.
    static func quoted(_ text: String) -> String {
        let short = text.count > 80 ? text.prefix(77) + "..." : Substring(text)
        return "\"" + short.replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}
