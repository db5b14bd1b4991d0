import Foundation

/// What `silver init` or `silver create-config` did to one file or directory, and the line
/// that tells the user.
public struct FileStep: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        case created
        case unchanged
        /// Already there with other content and left so; the note says what would replace it.
        case kept(note: String)
        /// Written over, after copying the old content to `backup` when there is one.
        case replaced(backup: String?)
    }

    /// Relative to the directory being written.
    public var path: String
    public var outcome: Outcome

    public init(path: String, outcome: Outcome) {
        self.path = path
        self.outcome = outcome
    }

    /// E.g. `kept myapp/main.py: it differs from silver's (-f replaces it)`.
    public func line(in directory: String) -> String {
        let path = (directory as NSString).appendingPathComponent(self.path)
        switch outcome {
        case .created: return "created \(path)"
        case .unchanged: return "unchanged \(path)"
        case .kept(let note): return "kept \(path): it differs from silver's (\(note))"
        case .replaced(nil): return "replaced \(path)"
        case .replaced(let backup?): return "replaced \(path) (the old one is \((directory as NSString).appendingPathComponent(backup)))"
        }
    }
}
