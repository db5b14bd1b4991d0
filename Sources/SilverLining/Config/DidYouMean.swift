/// Suggests the known word nearest to a mistyped one, by edit distance.
enum DidYouMean {
    /// The closest candidate within a distance that still looks like a typo (about a third
    /// of the word), compared without regard to case so that `Nodes` finds `nodes`.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        let limit = max(2, word.count / 3)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            guard let distance = editDistance(word.lowercased(), candidate.lowercased(), limit: limit) else { continue }
            if distance < best?.distance ?? Int.max { best = (candidate, distance) }
        }
        return best?.candidate
    }

    /// `did you mean "x"? valid keys: a, b, c` — or just the list when nothing is close.
    static func hint(for word: String, among candidates: [String], listing noun: String) -> String {
        let list = "\(noun): " + candidates.sorted().joined(separator: ", ")
        guard let match = suggestion(for: word, among: candidates) else { return list }
        return "did you mean \"\(match)\"? \(list)"
    }

    /// Levenshtein distance, or nil as soon as it must exceed `limit`. Words that differ in
    /// length by more than the limit are rejected at once, so a huge mistyped word costs nothing.
    static func editDistance(_ a: String, _ b: String, limit: Int) -> Int? {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        guard abs(a.count - b.count) <= limit else { return nil }
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
                rowMinimum = min(rowMinimum, current[j])
            }
            if rowMinimum > limit { return nil }
            swap(&previous, &current)
        }
        return previous[b.count] <= limit ? previous[b.count] : nil
    }
}
