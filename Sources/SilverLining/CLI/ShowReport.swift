import Foundation

/// What `silver show ARGUMENT` prints: a nodeset when the argument names a `.conf` file, an
/// app when it is a directory holding `app.ini`. Kept apart from the command so tests can
/// check the exact text without running the binary.
public struct ShowReport: Sendable {
    /// For standard output.
    public var output: String
    /// For standard error, one per line.
    public var warnings: [String]

    public static func make(
        argument: String, json: Bool, environment: [String: String] = ProcessInfo.processInfo.environment,
        home: SilverHome = SilverHome()
    ) async throws -> ShowReport {
        switch Target(argument: argument) {
        case .nodeset(let path):
            let loaded = try NodesetLoader.load(path: path, environment: environment)
            let directory = home.nodesetDirectory(loaded.name)
            let recorded = FileManager.default.fileExists(atPath: directory + "/state.json") ? try NodesetStore(directory: directory).opened : []
            let nodeset = KeptNodeNames.apply(to: loaded, recorded: recorded).nodeset
            let addresses = try await NodesetReport.recordedAddresses(of: nodeset, home: home)
            // An unsupported provider kind is among the warnings: showing needs no provider.
            let output = json ? NodesetReport.json(nodeset, addresses: addresses) : NodesetReport.text(nodeset, addresses: addresses)
            return ShowReport(output: output, warnings: nodeset.warnings)
        case .host(let name):
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: name, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw UsageError("\(name) is neither a nodeset (a NAME.conf file) nor an app directory",
                    hint: "silver show foobar.conf, or silver show path/to/app/ (a directory holding app.ini)")
            }
            let app = try AppLoader.load(directory: name)
            return ShowReport(output: json ? AppReport.json(app) : AppReport.text(app), warnings: app.warnings)
        }
    }
}
