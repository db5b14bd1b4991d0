import Foundation
import Testing

@testable import SilverNode

/// A scratch directory standing in for a node's `/`, removed when the test is done with it.
final class TemporaryRoot: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "silver-node-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    var paths: NodePaths { NodePaths(root: path) }

    /// `absolute` (a path on the node) under this root.
    func full(_ absolute: String) -> String { path + absolute }

    func write(_ absolute: String, _ text: String, mode: Int = 0o644) throws {
        let file = full(absolute)
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
    }

    func read(_ absolute: String) -> String? {
        FileManager.default.contents(atPath: full(absolute)).map { String(decoding: $0, as: UTF8.self) }
    }

    func exists(_ absolute: String) -> Bool {
        FileManager.default.fileExists(atPath: full(absolute))
    }

    func mode(_ absolute: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: full(absolute)))?[.posixPermissions] as? Int
    }

    /// Every file and directory under the root, relative to it, sorted: a snapshot to compare.
    func listing() -> [String] {
        ((FileManager.default.enumerator(atPath: path)?.allObjects as? [String]) ?? []).sorted()
    }
}

enum Privileges {
    /// Files owned by `root` and `chown` need root; the unit suite runs as root in CI.
    static var isRoot: Bool { getuid() == 0 }
}
