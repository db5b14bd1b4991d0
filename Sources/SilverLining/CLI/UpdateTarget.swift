import Foundation

/// Which nodeset `silver update DIR [TARGET]` deploys to, and at which location: the
/// nodeset file given, or the recorded nodeset owning the location URL given, or, with
/// neither, the one owning app.ini's `default_location` (Silver Lining's `silver update
/// DIR` alone).
public struct UpdateTarget: Sendable, Equatable {
    public var nodesetFile: String
    /// The location URL to deploy to, when one was named.
    public var location: String?

    public init(nodesetFile: String, location: String?) {
        self.nodesetFile = nodesetFile
        self.location = location
    }

    /// - Parameters:
    ///   - argument: update's second argument: a nodeset file or a location URL.
    ///   - location: `--location`.
    public static func resolve(
        argument: String?, location: String?, app: AppConfig, home: SilverHome,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> UpdateTarget {
        if let argument {
            switch Target(argument: argument) {
            case .nodeset(let path):
                return UpdateTarget(nodesetFile: path, location: location)
            case .host(let url):
                if let location, AppTarget.normalized(location) != AppTarget.normalized(url) {
                    throw UsageError("\(url) is a location, and --location names another (\(location))",
                        hint: "--location picks a location when the argument is a nodeset file (NAME.conf)")
                }
                return try await owner(of: url, home: home, environment: environment)
            }
        }
        if let location { return try await owner(of: location, home: home, environment: environment) }
        guard let url = app.defaultLocation else {
            throw UsageError("no nodeset to deploy \(app.appName) to",
                hint: "give a nodeset (silver update \(app.directory) NAME.conf), or set default_location in app.ini's "
                    + "[production] to one of a nodeset's location URLs")
        }
        // Only a file name ends in .conf; a host such as conference.example.org may contain it.
        guard !url.hasSuffix(".conf") else {
            throw UsageError("app.ini's default_location is \(url), a nodeset file; it must be one of a nodeset's location URLs",
                hint: "default_location = http://www.example.com/ (a location in the nodeset's [appserver] locations)")
        }
        return try await owner(of: url, home: home, environment: environment)
    }

    private static func owner(of url: String, home: SilverHome, environment: [String: String]) async throws -> UpdateTarget {
        let file = try await RecordedNodesets.file(servingLocation: url, home: home, environment: environment)
        return UpdateTarget(nodesetFile: file, location: url)
    }
}
