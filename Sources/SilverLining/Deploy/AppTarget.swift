/// Where an app goes in a nodeset: the locations of the appserver's `locations` whose app
/// name is the app's (the note: "match the name against the locations").
public struct AppTarget: Sendable, Equatable {
    public var app: String
    /// The app's locations in this nodeset, the chosen one first.
    public var locations: [Location]

    public var primary: Location { locations[0] }

    /// `SILVER_CANONICAL_HOSTNAME`: the shortest host name among the app's locations.
    public var canonicalHostname: String {
        locations.map(\.hostname).min { ($0.count, $0) < ($1.count, $1) } ?? primary.hostname
    }

    /// Finds the app's locations; `location` (a URL) narrows them to that one.
    public static func resolve(app: String, in nodeset: Nodeset, location: String? = nil) throws -> AppTarget {
        var matching = nodeset.locations.filter { $0.appName == app }
        if let location {
            let wanted = normalized(location)
            guard let chosen = nodeset.locations.first(where: { normalized($0.url) == wanted }) else {
                throw DeployError.noLocation(app: app, nodeset: nodeset.name, locations: nodeset.locations, asked: location)
            }
            guard chosen.appName == app else {
                throw DeployError.locationForOtherApp(location: chosen, app: app)
            }
            matching = [chosen] + matching.filter { $0 != chosen }
        }
        guard !matching.isEmpty else {
            throw DeployError.noLocation(app: app, nodeset: nodeset.name, locations: nodeset.locations, asked: nil)
        }
        return AppTarget(app: app, locations: matching)
    }

    static func normalized(_ url: String) -> String {
        let location = Location(url: url, appName: "")
        return location.hostname.lowercased() + (location.path.hasSuffix("/") ? location.path : location.path + "/")
    }
}
