import FoundationEssentials

/// What an operator chose about an app server's routing, beside which instances are active:
/// apps disabled for maintenance (`silver disable`, Silver Lining's `disabledapps.txt`),
/// locations taken out of service (`silver deactivate`), and the `prev.` locations a
/// deactivation took with them. The agent keeps it on the node and nginx's configuration is
/// rendered from it every time, so an update, which renders it again, keeps it.
public struct RoutingChoices: Codable, Sendable, Equatable {
    /// Apps whose locations answer with the maintenance page (503), except to requests made
    /// on the app server itself, as Silver Lining let localhost through.
    public var disabledApps: [String]
    /// Locations that answer 404 with Silver Lining's not-found page; their instances stay.
    public var deactivated: [LocationKey]
    /// `prev.HOST/PATH` locations a deactivation removed; the next activation of the app
    /// brings them back with the instance it replaces.
    public var hiddenPrevious: [LocationKey]

    public init(disabledApps: [String] = [], deactivated: [LocationKey] = [], hiddenPrevious: [LocationKey] = []) {
        self.disabledApps = disabledApps
        self.deactivated = deactivated
        self.hiddenPrevious = hiddenPrevious
    }

    public func isDeactivated(_ location: RoutedLocation) -> Bool { deactivated.contains(LocationKey(location)) }
    public func hidesPrevious(_ location: RoutedLocation) -> Bool { hiddenPrevious.contains(LocationKey(location)) }
}

/// A location as the router matches it: host name (any case) and path ending in `/`.
public struct LocationKey: Codable, Sendable, Hashable, CustomStringConvertible {
    public var hostname: String
    public var path: String

    public init(hostname: String, path: String) {
        self.hostname = hostname.lowercased()
        self.path = path.hasSuffix("/") ? path : path + "/"
    }

    public init(_ location: RoutedLocation) {
        self.init(hostname: location.hostname, path: location.path)
    }

    public var description: String { hostname + path }
}

extension NodeLayout {
    /// The operator's routing choices (`RoutingChoices`), as JSON.
    public static let routingChoices = "/var/lib/silverlining/routing.json"
    /// One file per app naming the instance it served before its active one, routed at
    /// `prev.HOST` until the next activation.
    public static let previousPointers = "/var/lib/silverlining/previous"
    /// Held while the router's inputs change and nginx's file is rendered from them.
    public static let routerLock = "/var/lib/silverlining/router.lock"
}

/// The stored choices: read by every rendering of the router, written under `RouterLock`.
public struct RoutingChoicesFile: Sendable {
    public var paths: NodePaths

    public init(paths: NodePaths = NodePaths()) {
        self.paths = paths
    }

    public func read() throws -> RoutingChoices {
        guard let bytes = FileSystem.read(paths.path(NodeLayout.routingChoices)) else { return RoutingChoices() }
        do {
            return try JSONDecoder().decode(RoutingChoices.self, from: Data(bytes))
        } catch {
            throw AgentError.failed("\(NodeLayout.routingChoices) is unreadable (\(error)); remove it to forget every disable and deactivate")
        }
    }

    public func write(_ choices: RoutingChoices) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try FileSystem.writeAtomically(paths.path(NodeLayout.routingChoices), bytes: Array(try encoder.encode(choices)), mode: 0o644, uid: 0, gid: 0)
    }
}

extension InstanceRegistry {
    var previousDirectory: String { paths.path(NodeLayout.previousPointers) }

    /// The instance `app` served before its active one, if it is still here.
    public func previousName(of app: String) -> String? {
        FileSystem.read(previousDirectory + "/" + app).map { String(decoding: $0, as: UTF8.self).trimmed }
            .flatMap { $0.isEmpty || record($0) == nil ? nil : $0 }
    }

    /// Each app's previous instance, for the `prev.` host names.
    public func previous() -> [String: InstanceRecord] {
        let apps = (try? FileManager.default.contentsOfDirectory(atPath: previousDirectory)) ?? []
        var result: [String: InstanceRecord] = [:]
        for app in apps where !app.hasPrefix(".") {
            if let name = previousName(of: app), let record = record(name) { result[app] = record }
        }
        return result
    }

    func setPrevious(_ instance: String?, app: String) throws {
        let pointer = previousDirectory + "/" + app
        guard let instance else {
            try FileSystem.remove(pointer)
            return
        }
        try FileManager.default.createDirectory(atPath: previousDirectory, withIntermediateDirectories: true)
        try FileSystem.writeAtomically(pointer, bytes: Array((instance + "\n").utf8), mode: 0o644, uid: 0, gid: 0)
    }
}
