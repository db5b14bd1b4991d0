import Foundation

/// The environment `silver serve` gives an app: what an instance gets on an app server
/// (`InstanceEnvironment`, then the agent's layout variables), with Silver Lining's
/// development values: `SILVER_VERSION=devel/...`, the instance named `localhost`, logs in
/// the app's `silver-logs/`, and services as `AppConfig.activate_services` set them up
/// outside production, from the `[devel]` settings (`DevelConfig`).
public struct DevelEnvironment: Sendable {
    public static let version = "devel/0.1"

    public var app: AppConfig
    /// `[devel]` and `[devel:APP]`.
    public var devel: [String: String]
    /// The developer's home, for the `files` and `writable_root` directories.
    public var home: String
    /// The developer's login name: PostgreSQL's default user, as in Silver Lining.
    public var user: String
    public var temporaryDirectory: String
    /// `serve --config DIR`, made absolute.
    public var configDirectory: String?

    public init(app: AppConfig, devel: [String: String], home: String, user: String, temporaryDirectory: String, configDirectory: String?) {
        self.app = app
        self.devel = devel
        self.home = home
        self.user = user
        self.temporaryDirectory = temporaryDirectory
        self.configDirectory = configDirectory
    }

    public var logDirectory: String { app.directory + "/silver-logs" }

    public func variables() throws -> [EnvironmentVariable] {
        let silver = [
            EnvironmentVariable(name: "SILVER_VERSION", value: Self.version),
            EnvironmentVariable(name: "SILVER_INSTANCE_NAME", value: "localhost"),
            EnvironmentVariable(name: "SILVER_APP_NAME", value: app.appName),
            EnvironmentVariable(name: "SILVER_MATCH_PATH", value: "/"),
            EnvironmentVariable(name: "SILVER_CANONICAL_HOSTNAME", value: "localhost"),
            EnvironmentVariable(name: "SILVER_LOGS", value: logDirectory),
            EnvironmentVariable(name: "TEMP", value: temporaryDirectory),
            EnvironmentVariable(name: "TMPDIR", value: temporaryDirectory),
        ]
        let config = try appConfig().map { [EnvironmentVariable(name: "SILVER_APP_CONFIG", value: $0)] } ?? []
        return EnvironmentVariable.merged(silver + config + services() + app.environment)
    }

    /// `--config`, else `config.default`; an app with `config.required` and neither cannot start.
    func appConfig() throws -> String? {
        if let configDirectory { return configDirectory }
        if let defaultDirectory = app.deploymentConfig.defaultDirectory { return app.directory + "/" + defaultDirectory }
        guard !app.deploymentConfig.required else { throw ServeError.configRequired(app: app.appName) }
        return nil
    }

    func services() -> [EnvironmentVariable] {
        var variables: [EnvironmentVariable] = []
        var databaseURL: String?
        for kind in ServiceCatalog.kinds(of: app) {
            switch kind {
            case .mysql:
                let settings = database(prefix: "MYSQL", keys: ["mysql."], user: "root")
                variables += settings.variables + [EnvironmentVariable(name: "CONFIG_MYSQL_USERNAME", value: settings.user)]
                databaseURL = databaseURL ?? settings.url(scheme: "mysql")
            case .postgresql, .postgis:
                // Silver Lining read `postgis.` keys for both; `postgresql.` is accepted too.
                let settings = database(prefix: "PG", keys: ["postgis.", "postgresql."], user: user)
                variables += settings.variables
                databaseURL = databaseURL ?? settings.url(scheme: "postgresql")
            case .files:
                variables.append(EnvironmentVariable(name: "CONFIG_FILES", value: directory(key: "files", name: "files")))
            case .writableRoot:
                variables.append(EnvironmentVariable(name: "CONFIG_WRITABLE_ROOT", value: directory(key: "writable_root", name: "writable-root")))
            }
        }
        return variables + (databaseURL.map { [EnvironmentVariable(name: "DATABASE_URL", value: $0)] } ?? [])
    }

    struct Database {
        var prefix: String
        var values: [String: String]
        var user: String { values["USER"] ?? "" }

        var variables: [EnvironmentVariable] {
            let url = url(scheme: prefix == "MYSQL" ? "mysql" : "postgresql")
            return ["DBNAME", "USER", "PASSWORD", "HOST", "PORT"].map { EnvironmentVariable(name: "CONFIG_\(prefix)_\($0)", value: values[$0] ?? "") }
                + values.keys.sorted().filter { !["DBNAME", "USER", "PASSWORD", "HOST", "PORT"].contains($0) }
                    .map { EnvironmentVariable(name: "CONFIG_\(prefix)_\($0)", value: values[$0]!) }
                + [EnvironmentVariable(name: "CONFIG_\(prefix)_SQLALCHEMY", value: url)]
        }

        /// Built as Silver Lining built it: each part only when it is set.
        func url(scheme: String) -> String {
            var url = scheme + "://"
            if let user = values["USER"], !user.isEmpty {
                url += DatabaseURL.encoded(user)
                if let password = values["PASSWORD"], !password.isEmpty { url += ":" + DatabaseURL.encoded(password) }
                url += "@"
            }
            if let host = values["HOST"], !host.isEmpty { url += host }
            if let port = values["PORT"], !port.isEmpty { url += ":" + port }
            return url + "/" + DatabaseURL.encoded(values["DBNAME"] ?? "")
        }
    }

    /// The app's database, user root (MySQL) or the developer (PostgreSQL), no password, the
    /// local server's socket; `[devel]` keys such as `mysql.host` replace any of them.
    func database(prefix: String, keys: [String], user: String) -> Database {
        var values = ["DBNAME": app.appName, "USER": user, "PASSWORD": "", "HOST": "", "PORT": ""]
        for key in keys {
            for (name, value) in devel where name.hasPrefix(key) {
                values[String(name.dropFirst(key.count)).uppercased()] = value
            }
        }
        return Database(prefix: prefix, values: values)
    }

    /// `~/.silverlining-app-data/NAME/APP`, or the `[devel]` key's directory.
    func directory(key: String, name: String) -> String {
        guard let path = devel[key], !path.isEmpty else { return home + "/.silverlining-app-data/\(name)/\(app.appName)" }
        return path.hasPrefix("~/") ? home + path.dropFirst(1) : path
    }

    /// The directories the environment names that must exist before the app starts.
    public func directories() throws -> [String] {
        let made = try variables().filter { ["SILVER_LOGS", "TEMP", "CONFIG_FILES", "CONFIG_WRITABLE_ROOT"].contains($0.name) }.map(\.value)
        return made.uniqued()
    }
}

public enum ServeError: UserFacingError {
    case configRequired(app: String)
    case notListening(port: Int, detail: String)
    case serverExited(status: Int32)

    public var exitStatus: Int32 {
        switch self {
        case .configRequired: ExitStatus.badInput
        default: ExitStatus.failure
        }
    }

    public var description: String {
        switch self {
        case .configRequired(let app):
            "error: \(app) needs a configuration (config.required in its app.ini): give one with --config DIR (silver create-config can make it), or set config.default"
        case .notListening(let port, let detail):
            "error: the app's server did not answer on port \(port)\(detail.isEmpty ? "" : ": " + detail)"
        case .serverExited(let status):
            "error: the app's server exited with status \(status) before it answered"
        }
    }
}
