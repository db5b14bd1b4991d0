import Foundation

/// `silver run`'s arguments as Silver Lining's `run` read them: one that names a local file
/// or directory (alone, or after `--option=`) is uploaded and replaced by its path on the app
/// server; every other argument goes as it is.
public struct RunArguments: Sendable, Equatable {
    public enum Part: Sendable, Equatable {
        case literal(String)
        /// `prefix` (`--input=`, or empty) and the local path.
        case upload(prefix: String, local: String)
    }

    public var parts: [Part]

    /// - Parameter exists: whether a local path exists (the file system, or a test's).
    public init(_ arguments: [String], exists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) {
        parts = arguments.map { argument in
            if exists(argument) { return .upload(prefix: "", local: argument) }
            if argument.hasPrefix("-"), let equals = argument.firstIndex(of: "="), exists(String(argument[argument.index(after: equals)...])) {
                return .upload(prefix: String(argument[...equals]), local: String(argument[argument.index(after: equals)...]))
            }
            return .literal(argument)
        }
    }

    /// The local paths to upload, each to keep its own name on the app server.
    public var uploads: [String] {
        parts.compactMap { if case .upload(_, let local) = $0 { local } else { nil } }
    }

    /// The arguments as the script gets them, the uploads in `directory`.
    public func remote(in directory: String) -> [String] {
        parts.map { part in
            switch part {
            case .literal(let text): text
            case .upload(let prefix, let local): prefix + directory + "/" + Self.name(local)
            }
        }
    }

    /// Uploads land under their own names, so two with one name would overwrite each other.
    public func checkNames() throws(UsageError) {
        var seen: [String: String] = [:]
        for local in uploads {
            if let other = seen[Self.name(local)], other != local {
                throw UsageError("\(other) and \(local) would both be uploaded as \(Self.name(local))", hint: "rename one of them")
            }
            seen[Self.name(local)] = local
        }
    }

    static func name(_ path: String) -> String {
        let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        return (trimmed as NSString).lastPathComponent
    }
}
