/// Everything an update needs from an app's services, in one call: where each runs (refusing
/// before anything changes when one has no place), the client packages on the app servers,
/// each service set up for the app, and the environment they give it.
public struct ServiceSetup: Sendable {
    public var context: ServiceContext

    public init(context: ServiceContext) {
        self.context = context
    }

    /// Where each service runs, in the order given.
    public func placements(for kinds: [ServiceKind]) throws -> [ServicePlacement] {
        try kinds.map { kind throws(ServicePlacementError) in try ServicePlacement.resolve(kind: kind, topology: context.topology) }
    }

    /// The Debian packages app servers need to use these services.
    public static func clientPackages(for kinds: [ServiceKind]) -> [String] {
        kinds.flatMap { ServiceCatalog.service(for: $0).clientPackages }.uniqued()
    }

    /// Sets every service up for `app` and returns the app's service environment. Services
    /// are set up one after another: two of them may share a node (both on the app server),
    /// and package installs on one node must not overlap.
    public func run(app: String, kinds: [ServiceKind]) async throws -> [EnvironmentVariable] {
        let placements = try placements(for: kinds)
        // Every node is checked before anything changes anywhere.
        for placement in placements {
            if placement.kind.isDatabase {
                try await context.ensurePrimaryReachable(placement)
            } else {
                try await context.ensureReachable(placement.nodes, for: placement.kind)
            }
        }
        let appservers = context.topology.nodes(in: .appserver)
        try await context.ensureReachable(appservers, purpose: "an app server")
        // The app's account comes first: its directories and instances belong to it.
        try await context.apply(AppserverRole.accounts(for: [app]).merged(with: NodePlan(packages: Self.clientPackages(for: kinds))), on: appservers)
        var sets: [(ServiceKind, [EnvironmentVariable])] = []
        for placement in placements {
            let service = ServiceCatalog.service(for: placement.kind)
            sets.append((placement.kind, try await service.setUp(app: app, placement: placement, context: context)))
            context.console.say("\(placement.kind.rawValue): ready for \(app) on \(placement.summary)")
        }
        return Self.merged(sets)
    }

    /// The services' variables in `ServiceKind` order. `DATABASE_URL` comes from the first
    /// database service (mysql, then postgresql, then postgis) when an app uses several.
    public static func merged(_ sets: [(ServiceKind, [EnvironmentVariable])]) -> [EnvironmentVariable] {
        var seen = Set<String>()
        var out: [EnvironmentVariable] = []
        for (_, variables) in sets.sorted(by: { order($0.0) < order($1.0) }) {
            for variable in variables where seen.insert(variable.name).inserted {
                out.append(variable)
            }
        }
        return out
    }

    private static func order(_ kind: ServiceKind) -> Int {
        ServiceKind.allCases.firstIndex(of: kind) ?? 0
    }
}
