import Foundation

/// How `silver init` writes a file, as Silver Lining's `init_copy` did: a file already
/// there with the same content is left alone, one with other content is kept unless
/// forced, so running init again never loses the user's edits by surprise.
public enum InitCopy {
    /// - Parameter forceable: whether `force` may replace this file at all.
    public static func write(_ content: String, to path: String, force: Bool, forceable: Bool) throws -> FileStep.Outcome {
        let data = Data(content.utf8)
        var outcome = FileStep.Outcome.created
        if let existing = FileManager.default.contents(atPath: path) {
            if existing == data { return .unchanged }
            guard force && forceable else { return .kept(note: forceable ? "-f replaces it" : "init never replaces it") }
            outcome = .replaced(backup: nil)
        }
        try data.write(to: URL(fileURLWithPath: path))
        return outcome
    }

    /// Makes `path` and its parents; true when it was not there before.
    public static func makeDirectory(_ path: String) throws -> Bool {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw UsageError("\(path) exists and is not a directory") }
            return false
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return true
    }
}
