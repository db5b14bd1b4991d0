import Foundation
import Testing

/// The built `silver` binary, which sits beside the test bundle in the build directory
/// (`swift test` builds it; scripts/test builds it first).
enum SilverBinary {
    struct Run {
        var status: Int32
        var output: String
        var errorOutput: String

        var transcript: String { "exit \(status)\n--- stdout\n\(output)--- stderr\n\(errorOutput)" }
    }

    static var path: String {
        Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("silver").path
    }

    /// Runs `silver ARGUMENTS` with exactly `environment` and no standard input. Standard
    /// error goes through a file, so a child that writes much to both never blocks on a pipe.
    static func run(_ arguments: [String], environment: [String: String]) throws -> Run {
        try #require(FileManager.default.isExecutableFile(atPath: path), "build silver first: \(path)")
        let errorPath = NSTemporaryDirectory() + "silver-stderr-" + UUID().uuidString
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errorPath) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
            errorOutput: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "")
    }
}
