import Foundation

/// The two shapes `silver show` prints: aligned columns for people, JSON for scripts.
enum ReportFormatting {
    /// Rows of cells padded into columns, each row indented and ended by a newline.
    static func table(_ rows: [[String]], indent: String) -> String {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column] + 2, withPad: " ", startingAt: 0)
            }
            return indent + cells.joined() + "\n"
        }.joined()
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
