import Foundation

/// Which nodeset a Silver Lining command acts on when its user names a location (`silver run
/// www.example.com/blog SCRIPT`, `silver disable --by-location URL`, `silver deactivate URL`)
/// or an app (`silver disable --by-name APP`) rather than a nodeset: the nodeset given, or
/// the one nodeset silver has made nodes for on this machine that has the location (or app).
public enum LocationTarget {
    public static func nodesetFile(
        given nodeset: String?, location: String? = nil, app: String? = nil, home: SilverHome,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> String {
        if let nodeset {
            guard case .nodeset(let path) = Target(argument: nodeset) else {
                throw UsageError("\(nodeset) is not a nodeset file (NAME.conf)", hint: "see --help for the order of the arguments")
            }
            return path
        }
        if let location { return try await RecordedNodesets.file(servingLocation: location, home: home, environment: environment) }
        guard let app else { throw UsageError("give a nodeset file (NAME.conf) or a location URL") }
        return try await file(servingApp: app, home: home, environment: environment)
    }

    /// The one recorded nodeset with a location for `app`.
    static func file(servingApp app: String, home: SilverHome, environment: [String: String]) async throws -> String {
        let known = try await RecordedNodesets.files(home: home)
        let matches = known.filter { file in
            ((try? NodesetLoader.load(path: file, environment: environment))?.locations ?? []).contains { $0.appName == app }
        }
        if matches.count == 1 { return matches[0] }
        let listed = known.isEmpty ? "silver has made nodes for no nodeset in \(home.path)" : "nodesets silver knows: " + known.joined(separator: ", ")
        throw UsageError(
            matches.isEmpty ? "no nodeset silver knows has a location for \(app)" : "\(app) has locations in several nodesets: " + matches.joined(separator: ", "),
            hint: "give the nodeset file (NAME.conf); \(listed)")
    }

    /// Whether a command argument names a location rather than an app: app names are
    /// letters, digits, `_` and `-`, and every location has a dot or a slash.
    public static func isLocation(_ argument: String) -> Bool {
        argument.contains(".") || argument.contains("/")
    }
}
