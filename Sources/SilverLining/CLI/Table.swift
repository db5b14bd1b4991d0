/// Left-aligned columns separated by two spaces, as `ps` and `kubectl` print them: every
/// table silver prints.
public struct Table: Sendable {
    public var header: [String]
    public var rows: [[String]]
    /// Put before every line, for tables inside a report.
    public var indent: String

    public init(header: [String], rows: [[String]], indent: String = "") {
        self.header = header
        self.rows = rows
        self.indent = indent
    }

    public var text: String {
        let all = (header.isEmpty ? [] : [header]) + rows
        let columns = all.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        return all.map { row in
            indent + row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ") + "\n"
        }.joined()
    }
}
