import Foundation
import SilverLining

/// The built `silver` binary, run as a user would run it. It sits beside the test runner in
/// the build directory (`swift test` builds it; scripts/test builds it first).
enum SilverCLI {
    static var binary: String {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("silver").path
    }

    /// Runs `silver ARGUMENTS` with `environment` added to this process's, `input` on its
    /// standard input (a pipe, not a terminal) and then end of file, and returns how it
    /// ended and what it printed.
    static func run(
        _ arguments: [String], environment: [String: String], as user: [String] = [], input: String = ""
    ) async throws -> CommandResult {
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw TestFailure("build silver first: \(binary)") }
        let words = user + [binary] + arguments
        return try await CommandRunner().run(Command(words[0], Array(words.dropFirst()), input: input), environment: environment)
    }
}

/// A nodeset written as a `.conf` file into its own directory, which is also its
/// SILVER_HOME, for tests that drive the `silver` binary.
struct NodesetFile {
    let directory: String
    let path: String
    let name: String

    init(_ label: String, text: (String) -> String) throws {
        name = "t\(label)" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        directory = NSTemporaryDirectory() + "silver-it-" + name
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/\(name).conf"
        try Data(text(name).utf8).write(to: URL(fileURLWithPath: path))
    }

    var environment: [String: String] {
        ["SILVER_HOME": directory + "/home", "HOME": directory, "SILVER_USER_CONFIG": directory + "/user.conf"]
    }

    /// Runs `body`, then destroys whatever the nodeset still has, even when `body` threw.
    func run(_ body: () async throws -> Void) async throws {
        var failure: (any Error)?
        do {
            try await body()
        } catch {
            failure = error
        }
        do {
            let environment = ProcessInfo.processInfo.environment.merging(self.environment) { _, new in new }
            let session = try NodesetSession.open(file: path, console: .silent, environment: environment)
            try await NodeDestruction(session: session).run()
        } catch {
            failure = failure ?? error
        }
        try? FileManager.default.removeItem(atPath: directory)
        if let failure { throw failure }
    }
}

extension CommandResult {
    /// Both streams, for failure messages.
    var transcript: String { "status \(status)\n--- stdout\n\(text)--- stderr\n\(errorText)" }
}
