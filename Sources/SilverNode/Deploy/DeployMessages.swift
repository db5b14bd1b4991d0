#if canImport(Glibc)
    import Glibc
#endif

/// Requests and answers between silver and the agent for deploys. Each is one JSON object
/// on the agent's standard input or output.

/// The instances of one app on a node.
public struct InstanceList: Codable, Sendable, Equatable {
    public var names: [String]
    public var active: String?
    /// The newest name ever installed here, even if since removed, so names are never reused.
    public var lastIssued: String?

    public init(names: [String], active: String?, lastIssued: String? = nil) {
        self.names = names
        self.active = active
        self.lastIssued = lastIssued
    }
}

/// Half-deploy: the instance's files are uploaded; install what it needs, record it, start
/// it on a fresh port and wait until its health check passes. Nothing routes to it yet.
public struct InstallRequest: Codable, Sendable {
    /// The port is chosen by the agent; whatever is given is ignored.
    public var record: InstanceRecord
    public var packages: [String]
    public var environment: [EnvironmentVariable]
    /// The Host header of health checks: the location's canonical host name.
    public var host: String
    /// The app's `config.default`: `SILVER_APP_CONFIG` when no configuration was ever uploaded.
    public var configDefault: String?
    /// The app's `package_install_script` and `after_install_script`, run as root before and
    /// after `packages`.
    public var packageInstallScripts: [String]
    public var afterInstallScripts: [String]
    public var startTimeoutSeconds: Int

    public init(
        record: InstanceRecord, packages: [String], environment: [EnvironmentVariable], host: String, configDefault: String? = nil,
        packageInstallScripts: [String] = [], afterInstallScripts: [String] = [], startTimeoutSeconds: Int = 60
    ) {
        self.record = record
        self.packages = packages
        self.environment = environment
        self.host = host
        self.configDefault = configDefault
        self.packageInstallScripts = packageInstallScripts
        self.afterInstallScripts = afterInstallScripts
        self.startTimeoutSeconds = startTimeoutSeconds
    }
}

public struct ActivateRequest: Codable, Sendable {
    public var app: String
    public var instance: String?
    /// The Host header of the health check.
    public var host: String

    public init(app: String, instance: String?, host: String) {
        self.app = app
        self.instance = instance
        self.host = host
    }
}

public struct ActivateAnswer: Codable, Sendable, Equatable {
    /// The instance that was active before.
    public var previous: String?
}

/// An internal request to an instance itself, not through nginx or the balancer.
public struct FetchRequest: Codable, Sendable {
    public var instance: String
    public var path: String
    public var host: String
    /// False for `update_fetch_everywhere`'s fetches on app servers other than the first.
    public var primary: Bool

    public init(instance: String, path: String, host: String, primary: Bool = true) {
        self.instance = instance
        self.path = path
        self.host = host
        self.primary = primary
    }

    /// The update header's value (`RouterConfiguration.updateHeader`), and `SILVERLINING_UPDATE`
    /// for `script:` entries: `1` on the first app server, as before there were others, and
    /// `secondary` on the rest.
    public static func marker(primary: Bool) -> String { primary ? "1" : "secondary" }
}

/// Who holds a nodeset's deploy lock.
public struct LockHolder: Codable, Sendable, Equatable, CustomStringConvertible {
    /// `user@machine` that ran silver.
    public var who: String
    public var machine: String
    public var pid: Int32
    /// Seconds since 1970.
    public var since: Double
    /// What it is doing, e.g. `update blog`.
    public var doing: String
    /// Proves a release comes from the run that took the lock.
    public var token: String

    public init(who: String, machine: String, pid: Int32, since: Double, doing: String, token: String) {
        self.who = who
        self.machine = machine
        self.pid = pid
        self.since = since
        self.doing = doing
        self.token = token
    }

    public var description: String {
        "\(who) (pid \(pid) on \(machine)), doing `\(doing)` since \(Timestamp.text(since))"
    }
}

public struct LockRequest: Codable, Sendable {
    public enum Action: String, Codable, Sendable {
        case acquire, release, breakLock
    }

    public var action: Action
    public var holder: LockHolder

    public init(action: Action, holder: LockHolder) {
        self.action = action
        self.holder = holder
    }
}

public struct LockAnswer: Codable, Sendable, Equatable {
    /// True when the request's holder now holds the lock (acquire) or it was let go (release, break).
    public var done: Bool
    /// Who holds it now, or who held it before a release or break.
    public var holder: LockHolder?
    /// The lock file's path when it exists but names no holder (empty or unreadable).
    public var unreadable: String?

    public init(done: Bool, holder: LockHolder?, unreadable: String? = nil) {
        self.done = done
        self.holder = holder
        self.unreadable = unreadable
    }
}

/// What a node runs: each app's active instance and older ones, and whether they answer.
public struct NodeQuery: Codable, Sendable, Equatable {
    public struct Instance: Codable, Sendable, Equatable {
        public var name: String
        public var port: Int
        public var created: Double
        public var running: Bool
        /// The health check's status, when the instance runs.
        public var health: Int?
    }

    public struct App: Codable, Sendable, Equatable {
        public var app: String
        public var active: String?
        public var instances: [Instance]
        /// The instance served at `prev.HOST`.
        public var previous: String?
        /// `silver disable`: visitors get the maintenance page.
        public var disabled: Bool?
    }

    public var apps: [App]
}

public struct QueryRequest: Codable, Sendable {
    public var app: String?
    public var checkHealth: Bool

    public init(app: String?, checkHealth: Bool) {
        self.app = app
        self.checkHealth = checkHealth
    }
}

/// Remove instances that are not active, keeping the `keep` newest of each app.
public struct CleanRequest: Codable, Sendable, Equatable {
    public var app: String?
    public var keep: Int

    public init(app: String?, keep: Int) {
        self.app = app
        self.keep = keep
    }
}

public struct CleanAnswer: Codable, Sendable, Equatable {
    public var removed: [String]
}

/// One line of the deploy log kept on every node (`/var/log/silverlining/deploys.log`).
public struct DeployLogEntry: Codable, Sendable, Equatable {
    public var who: String
    public var when: Double
    public var app: String
    public var instance: String
    public var nodes: [String]
    public var result: String

    public init(who: String, when: Double, app: String, instance: String, nodes: [String], result: String) {
        self.who = who
        self.when = when
        self.app = app
        self.instance = instance
        self.nodes = nodes
        self.result = result
    }
}

/// Take an app server out of the balancer's rotation, or put it back.
public struct BalancerRequest: Codable, Sendable {
    public enum State: String, Codable, Sendable {
        /// `maint`: out for good, unchecked, until the configuration no longer names the
        /// server (delete-node). No drain expiry brings it back.
        case drain, ready, maint
    }

    public var server: String
    /// The app whose backend this is about; nil: every app's.
    public var app: String?
    public var state: State
    /// After draining, wait up to this long for the server's current requests to finish.
    public var idleTimeoutSeconds: Int
    /// After making it ready, wait up to this long for HAProxy's health check to pass, so
    /// that a server that was down (nothing deployed yet) is in rotation when the call ends.
    public var upTimeoutSeconds: Int
    /// A drain not asked for again within this long ends by itself (0: it lasts until
    /// silver makes the server ready).
    public var expirySeconds: Int

    public init(
        server: String, app: String?, state: State, idleTimeoutSeconds: Int = 30, upTimeoutSeconds: Int = 0, expirySeconds: Int = 0
    ) {
        self.server = server
        self.app = app
        self.state = state
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.upTimeoutSeconds = upTimeoutSeconds
        self.expirySeconds = expirySeconds
    }
}

public struct BalancerAnswer: Codable, Sendable, Equatable {
    /// Requests the server was still handling when the agent answered.
    public var sessions: Int
    /// HAProxy's status for the server when the agent answered (`UP`, `DOWN`, `DRAIN`, ...);
    /// over several backends, the first that is not `UP`.
    public var status: String

    public init(sessions: Int, status: String) {
        self.sessions = sessions
        self.status = status
    }

    init(_ entries: [BalancerServer]) {
        self.init(combining: entries.map { BalancerAnswer(sessions: $0.sessions, status: $0.status) })
    }

    /// One answer for a server over several backends: its requests summed, the first status
    /// that is not `UP`.
    public init(combining answers: [BalancerAnswer]) {
        self.init(sessions: answers.map(\.sessions).reduce(0, +), status: answers.first { !$0.isUp }?.status ?? answers.first?.status ?? "UP")
    }

    public var isUp: Bool { status.hasPrefix("UP") }
}

/// One app server in one app's backend, as HAProxy sees it now.
public struct BalancerServer: Codable, Sendable, Equatable {
    public var app: String
    public var server: String
    public var sessions: Int
    /// HAProxy's status: `UP`, `DOWN`, `DRAIN`, `MAINT`, `UP 1/2`, `no check` ...
    public var status: String
    /// What HAProxy counted for it since it started, by `show stat` column: `wretr`
    /// (retries), `wredis` (redispatches), `hrsp_5xx`, `econ` (connection errors), `eresp`.
    public var counters: [String: Int]

    public static let counterColumns = ["wretr", "wredis", "hrsp_5xx", "econ", "eresp"]

    public init(app: String, server: String, sessions: Int, status: String, counters: [String: Int] = [:]) {
        self.app = app
        self.server = server
        self.sessions = sessions
        self.status = status
        self.counters = counters
    }

    public var isUp: Bool { status.hasPrefix("UP") }

    /// In silver's words: ready, drain, maint or down.
    public var state: String {
        switch status.split(separator: " ").first.map(String.init) ?? "" {
        case "UP", "no": "ready"
        case "DRAIN": "drain"
        case "MAINT": "maint"
        default: "down"
        }
    }
}

public enum Timestamp {
    /// Seconds since 1970 as UTC `YYYY-MM-DD HH:MM:SS`.
    public static func text(_ seconds: Double) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) UTC"
    }

    public static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
