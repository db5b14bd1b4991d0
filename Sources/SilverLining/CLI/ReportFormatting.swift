import Foundation

/// The two shapes `silver show` prints: aligned columns for people, JSON for scripts.
enum ReportFormatting {
    /// Rows of cells padded into columns, each row indented and ended by a newline.
    static func table(_ rows: [[String]], indent: String) -> String {
        Table(header: [], rows: rows, indent: indent).text
    }

    /// Pretty, key-sorted JSON without escaped slashes, so URLs read as written.
    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // These reports hold only strings, numbers and booleans, which always encode.
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
