import Foundation

/// Where silver's progress and results go. Each call writes whole lines in one write, so
/// lines from nodes working in parallel never interleave mid-line.
public struct Console: Sendable {
    public enum Stream: Sendable {
        case output
        case error
    }

    private let sink: @Sendable (Stream, String) -> Void
    public let verbose: Bool

    public init(verbose: Bool = false, sink: @escaping @Sendable (Stream, String) -> Void = Console.standardStreams) {
        self.verbose = verbose
        self.sink = sink
    }

    /// A console that prints nothing, for library callers that want results only.
    public static let silent = Console { _, _ in }

    @Sendable public static func standardStreams(_ stream: Stream, _ text: String) {
        let handle = stream == .output ? FileHandle.standardOutput : FileHandle.standardError
        do {
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            // The reader went away (`silver ... | head`). SIGPIPE is ignored (see CommandRunner),
            // so end quietly with the status the signal would have given.
            exit(128 + SIGPIPE)
        }
    }

    /// A line about the whole run.
    public func say(_ text: String) {
        sink(.output, text.hasSuffix("\n") ? text : text + "\n")
    }

    /// A line about one node, prefixed with its name so parallel output stays readable.
    public func say(_ text: String, node: String) {
        // A final newline ends the last line; it does not start an empty one.
        let lines = (text.hasSuffix("\n") ? text.dropLast() : Substring(text)).split(separator: "\n", omittingEmptySubsequences: false)
        let body = lines.map { "\(node) | \($0)" }.joined(separator: "\n")
        sink(.output, body + "\n")
    }

    public func warn(_ text: String) {
        sink(.error, "warning: " + text + (text.hasSuffix("\n") ? "" : "\n"))
    }

    /// A line already formatted compiler-style (`foobar.conf:12: warning: ...`).
    public func diagnostic(_ line: String) {
        sink(.error, line.hasSuffix("\n") ? line : line + "\n")
    }

    public func error(_ text: String) {
        sink(.error, "error: " + text + (text.hasSuffix("\n") ? "" : "\n"))
    }

    /// Detail shown only with `--verbose`.
    public func detail(_ text: String, node: String? = nil) {
        guard verbose else { return }
        if let node { say(text, node: node) } else { say(text) }
    }
}
