// The node agent links FoundationEssentials only (it is uploaded to every node, so it stays
// small), which lacks Foundation's CharacterSet trimming.
extension StringProtocol {
    /// Without leading and trailing whitespace and newlines.
    public var trimmed: String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
