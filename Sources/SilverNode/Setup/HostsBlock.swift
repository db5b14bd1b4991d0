/// The lines silver keeps in an /etc/hosts, between markers naming the nodeset, so that it
/// can be replaced on every run without touching anything else in the file.
public struct HostsBlock: Codable, Sendable, Equatable {
    public var nodeset: String
    /// `ADDRESS NAME [NAME...]` lines.
    public var lines: [String]

    public init(nodeset: String, lines: [String]) {
        self.nodeset = nodeset
        self.lines = lines
    }

    var begin: String { "# BEGIN silverlining nodeset \(nodeset)" }
    var end: String { "# END silverlining nodeset \(nodeset)" }

    /// `text` with this block in place of the nodeset's previous one (or appended).
    public func applied(to text: String) -> String {
        var kept = removed(from: text)
        // No block to add: removing the old one is all, or a file without one would be changed.
        guard !lines.isEmpty else { return kept }
        if !kept.isEmpty && !kept.hasSuffix("\n") { kept += "\n" }
        return kept + ([begin] + lines + [end]).joined(separator: "\n") + "\n"
    }

    /// `text` without the nodeset's block.
    public func removed(from text: String) -> String {
        var output: [Substring] = []
        var inside = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == begin { inside = true; continue }
            if inside { if line == end { inside = false }; continue }
            output.append(line)
        }
        return output.joined(separator: "\n")
    }
}
