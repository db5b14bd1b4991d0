/// Why a deploy could not start or did not finish, and what state it left.
public enum DeployError: UserFacingError {
    case noLocation(app: String, nodeset: String, locations: [Location], asked: String?)
    case locationForOtherApp(location: Location, app: String)
    case noAppServers(nodeset: String)
    case locked(holder: LockHolder)
    case unreadableLock(node: String, path: String)
    case noSuchNode(String, nodeset: String)
    case configRequired(app: String, node: String)
    case failedBeforeSwitching(reason: String)
    case firstNodeFailed(node: String, reason: String, restored: String?)
    case rolloutStopped(node: String, reason: String, serving: [String: String])
    case interrupted(serving: [String: String])
    case noSuchInstance(app: String, instance: String, node: String)
    case notDeployed(app: String, nodeset: String)
    /// A plan handed a transport a step it does not perform: a bug in silver, not the user's.
    case notARolloutStep(String)

    public var exitStatus: Int32 {
        switch self {
        case .noLocation, .locationForOtherApp, .configRequired: ExitStatus.badInput
        default: ExitStatus.failure
        }
    }

    public var description: String {
        switch self {
        case .noLocation(let app, let nodeset, let locations, let asked):
            let list = locations.isEmpty ? "it has none" : "its locations are:\n" + locations.map { "  \($0.url) \($0.appName)" }.joined(separator: "\n")
            return (asked.map { "\($0) is not a location of \(nodeset)" } ?? "no location of \(nodeset) serves the app \(app)")
                + "; \(list)\nAdd a line `URL \(app)` to [appserver] locations."
        case .locationForOtherApp(let location, let app):
            return "\(location.url) serves \(location.appName), not \(app)"
        case .noAppServers(let nodeset):
            return "\(nodeset) has no app servers to deploy to"
        case .locked(let holder):
            return "another deploy holds the nodeset's lock: \(holder). Wait for it, or, if that run is gone, break the lock with --force-unlock."
        case .unreadableLock(let node, let path):
            return "the deploy lock \(path) on \(node) names no holder (it is empty or unreadable: a run there was cut off while taking it). If no other deploy is running, break it with --force-unlock."
        case .configRequired(let app, let node):
            return "\(app) needs a deployment configuration (config.required in its app.ini), and \(node) has none from an earlier update: give one with --config DIR (silver create-config can make it from the app's config.template)"
        case .noSuchNode(let name, let nodeset):
            return "\(name) is not a node of \(nodeset)"
        case .failedBeforeSwitching(let reason):
            return "\(reason)\nNo node was switched: the previous version still serves everywhere."
        case .firstNodeFailed(let node, let reason, let restored):
            return "\(node): \(reason)\nNo other node was switched, and \(node) " + (restored.map { "serves \($0) again." } ?? "serves nothing for this app again, as before.")
        case .rolloutStopped(let node, let reason, let serving):
            return "\(node): \(reason)\nThe rollout stopped. Now serving:\n" + DeployError.servingTable(serving)
        case .interrupted(let serving):
            return "interrupted. Now serving:\n" + DeployError.servingTable(serving)
        case .noSuchInstance(let app, let instance, let node):
            return "\(node) has no instance \(instance) of \(app); `silver query` lists the instances each node has"
        case .notDeployed(let app, let nodeset):
            return "\(app) is not deployed on \(nodeset); run `silver update` first"
        case .notARolloutStep(let step):
            return "silver's rollout was asked to \(step), which it does not do (a bug in silver; please report it)"
        }
    }

    static func servingTable(_ serving: [String: String]) -> String {
        serving.keys.sorted().map { "  \($0): \(serving[$0]!)" }.joined(separator: "\n")
    }
}
