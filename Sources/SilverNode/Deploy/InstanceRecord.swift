import FoundationEssentials

/// One uploaded version of an app on this node, as the agent records it beside the
/// instance's files (`/var/lib/silverlining/instances/NAME.json`).
public struct InstanceRecord: Codable, Sendable, Equatable {
    /// `APP.YYYY-MM-DD_NNN`, also the directory under /var/www.
    public var name: String
    public var app: String
    /// The loopback port the instance listens on.
    public var port: Int
    /// How the instance's process is started.
    public var launch: InstanceLaunch
    /// Served directly by nginx, relative to the instance directory.
    public var staticDirectory: String
    /// Whether `/var/lib/silverlining/writable-roots/APP` is served after `static/`.
    public var writableRoot: Bool
    /// Path requested to decide whether the instance is healthy.
    public var healthCheck: String
    /// When it was uploaded (seconds since 1970), for ordering and `clean`.
    public var created: Double

    public init(
        name: String, app: String, port: Int, launch: InstanceLaunch, staticDirectory: String = "static",
        writableRoot: Bool = false, healthCheck: String = "/", created: Double = 0
    ) {
        self.name = name
        self.app = app
        self.port = port
        self.launch = launch
        self.staticDirectory = staticDirectory
        self.writableRoot = writableRoot
        self.healthCheck = healthCheck
        self.created = created
    }
}

public enum InstanceLaunch: Codable, Sendable, Equatable {
    /// Silver Lining's Python runner (`main.py`, `main.py#name`, `config.ini#name`), loaded
    /// by `PythonRunner` and served by gunicorn.
    case wsgi(runner: String)
    /// A PHP app: a PHP-FPM master of its own listening on the port (FastCGI), every dynamic
    /// request going through `runner`; files under `root` that are not `.php` are served by nginx.
    case php(runner: String, root: String?)
    /// A shell command that listens on `$PORT`.
    case command(String)
}

/// Where the agent keeps instances and which one of each app is active.
public struct InstanceRegistry: Sendable {
    public var paths: NodePaths

    public init(paths: NodePaths) {
        self.paths = paths
    }

    public var recordsDirectory: String { paths.path(NodeLayout.records) }
    public var activeDirectory: String { paths.path(NodeLayout.activePointers) }

    public func instanceDirectory(_ name: String) -> String { paths.path(NodeLayout.instanceDirectory(name)) }
    public func recordPath(_ name: String) -> String { recordsDirectory + "/\(name).json" }
    public func lastIssuedPath(_ app: String) -> String { recordsDirectory + "/.last-\(app)" }

    public func lastIssued(of app: String) -> String? {
        FileSystem.read(lastIssuedPath(app)).map { String(decoding: $0, as: UTF8.self).trimmed }.flatMap { $0.isEmpty ? nil : $0 }
    }
    public func environmentPath(_ name: String) -> String { recordsDirectory + "/\(name).env" }

    public func record(_ name: String) -> InstanceRecord? {
        guard let bytes = FileSystem.read(recordPath(name)) else { return nil }
        return try? JSONDecoder().decode(InstanceRecord.self, from: Data(bytes))
    }

    public func all() -> [InstanceRecord] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: recordsDirectory)) ?? []
        return files.filter { $0.hasSuffix(".json") }.compactMap { record(String($0.dropLast(5))) }
            .sorted { ($0.app, $0.created, $0.name) < ($1.app, $1.created, $1.name) }
    }

    /// The active instance's name for `app`, if it has one here.
    public func activeName(of app: String) -> String? {
        FileSystem.read(activeDirectory + "/" + app).map { String(decoding: $0, as: UTF8.self).trimmed }.flatMap { $0.isEmpty ? nil : $0 }
    }

    public func active() -> [String: InstanceRecord] {
        let apps = (try? FileManager.default.contentsOfDirectory(atPath: activeDirectory)) ?? []
        var result: [String: InstanceRecord] = [:]
        for app in apps where !app.hasPrefix(".") {
            if let name = activeName(of: app), let record = record(name) { result[app] = record }
        }
        return result
    }
}
