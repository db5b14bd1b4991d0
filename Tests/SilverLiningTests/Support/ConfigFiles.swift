import Foundation
import Testing

@testable import SilverLining

/// A scratch directory for one test's config files, removed when the test is done with it.
final class ScratchDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "silver-config-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes a file (creating its directory) and returns its full path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }

    @discardableResult
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }

    /// An environment that keeps tests away from the real `~/.silverlining.conf`.
    func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ["HOME": path, "SILVER_USER_CONFIG": path + "/user.conf"].merging(extra) { _, new in new }
    }

    /// Writes `text` as `name` and loads it as a nodeset.
    func nodeset(_ text: String, name: String = "test.conf", environment extra: [String: String] = [:]) throws -> Nodeset {
        let file = try write(name, text)
        return try NodesetLoader.load(path: file, environment: environment(extra))
    }

    /// Loads `text` expecting a ConfigError, and returns it (nil, with a recorded issue, if none).
    func nodesetError(
        _ text: String, name: String = "test.conf", environment extra: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ConfigError? {
        let file = try write(name, text)
        return #expect(throws: ConfigError.self, sourceLocation: sourceLocation) {
            try NodesetLoader.load(path: file, environment: self.environment(extra))
        }
    }
}

enum Fixtures {
    static var directory: String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.path
    }

    static func path(_ name: String) -> String {
        directory + "/" + name
    }

    /// The package's root directory, for files outside the test bundle (examples/).
    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }
}

extension ConfigError {
    /// Whether the description points at `file:line` and names the section and key, as
    /// every config error must.
    func names(file: String, line: Int, section: String? = nil, key: String? = nil) -> Bool {
        let text = description
        guard text.contains("\((file as NSString).lastPathComponent):\(line): error: ") else { return false }
        if let section, !text.contains("[\(section)]") { return false }
        if let key, !text.contains(" \(key): ") && !text.contains("] \(key)") { return false }
        return true
    }
}
