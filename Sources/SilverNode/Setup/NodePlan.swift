/// Everything `setup-node` wants a node to have, as data: the controller decides it, the
/// node agent makes it so and reports what it changed. Applying the same plan twice changes
/// nothing the second time.
public struct NodePlan: Codable, Sendable, Equatable {
    /// Debian packages that must be installed.
    public var packages: [String]
    public var directories: [PlannedDirectory]
    public var files: [PlannedFile]
    /// Files that must not exist (such as a package's default site).
    public var absentFiles: [PlannedAbsence]
    /// The nodeset's block in /etc/hosts.
    public var hostsBlock: HostsBlock?
    /// systemd units that must be enabled and running.
    public var services: [String]
    /// How nginx routes locations to app instances, on app servers.
    public var router: RouterSettings?
    /// On app servers: apps that must have their accounts (`AppServerAccounts`), besides
    /// those the node already has; nil on other nodes.
    public var appAccounts: [String]?

    public init(
        packages: [String] = [], directories: [PlannedDirectory] = [], files: [PlannedFile] = [],
        absentFiles: [PlannedAbsence] = [], hostsBlock: HostsBlock? = nil, services: [String] = [],
        router: RouterSettings? = nil, appAccounts: [String]? = nil
    ) {
        self.packages = packages
        self.directories = directories
        self.files = files
        self.absentFiles = absentFiles
        self.hostsBlock = hostsBlock
        self.services = services
        self.router = router
        self.appAccounts = appAccounts
    }

    /// This plan followed by `other`: lists are joined without repeats, later files win.
    public func merged(with other: NodePlan) -> NodePlan {
        NodePlan(
            packages: (packages + other.packages).uniqued(),
            directories: (directories + other.directories).uniqued(by: \.path),
            files: (files + other.files).uniqued(by: \.path, keepingLast: true),
            absentFiles: (absentFiles + other.absentFiles).uniqued(by: \.path),
            hostsBlock: other.hostsBlock ?? hostsBlock,
            services: (services + other.services).uniqued(),
            router: other.router ?? router,
            appAccounts: appAccounts == nil && other.appAccounts == nil ? nil : ((appAccounts ?? []) + (other.appAccounts ?? [])).uniqued())
    }
}

public struct PlannedDirectory: Codable, Sendable, Equatable {
    public var path: String
    public var mode: Int
    public var owner: String
    public var group: String

    public init(_ path: String, mode: Int = 0o755, owner: String = "root", group: String = "root") {
        self.path = path
        self.mode = mode
        self.owner = owner
        self.group = group
    }
}

public struct PlannedFile: Codable, Sendable, Equatable {
    public var path: String
    public var content: String
    public var mode: Int
    public var owner: String
    public var group: String
    /// Run when the file changed, before anything is reloaded; if it fails, every file this
    /// plan changed is put back as it was (e.g. `nginx -t`, `haproxy -c`).
    public var check: [String]?
    /// What to do when the file changed, after all checks passed.
    public var then: [FollowUp]

    public init(
        _ path: String, content: String, mode: Int = 0o644, owner: String = "root", group: String = "root",
        check: [String]? = nil, then: [FollowUp] = []
    ) {
        self.path = path
        self.content = content
        self.mode = mode
        self.owner = owner
        self.group = group
        self.check = check
        self.then = then
    }
}

public struct PlannedAbsence: Codable, Sendable, Equatable {
    public var path: String
    public var then: [FollowUp]

    public init(_ path: String, then: [FollowUp] = []) {
        self.path = path
        self.then = then
    }
}

/// Something done after a change, once however many changes asked for it.
public enum FollowUp: Codable, Sendable, Hashable {
    case reload(unit: String)
    case restart(unit: String)
    case run([String])

    var description: String {
        switch self {
        case .reload(let unit): "reloaded \(unit)"
        case .restart(let unit): "restarted \(unit)"
        case .run(let words): "ran \(words.joined(separator: " "))"
        }
    }
}

/// What applying a plan changed (or, in a dry run, would change), one line each.
public struct ApplyReport: Codable, Sendable, Equatable {
    public var changes: [String]

    public init(changes: [String] = []) {
        self.changes = changes
    }
}

extension Array where Element: Hashable {
    /// The elements in order, each only the first time it appears.
    public func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}

extension Array {
    public func uniqued<Key: Hashable>(by key: (Element) -> Key, keepingLast: Bool = false) -> [Element] {
        var seen = Set<Key>()
        if keepingLast {
            return Array(reversed().filter { seen.insert(key($0)).inserted }.reversed())
        }
        return filter { seen.insert(key($0)).inserted }
    }
}
