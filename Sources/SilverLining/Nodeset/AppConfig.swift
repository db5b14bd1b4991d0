/// An app directory's `app.ini` `[production]` section, resolved.
public struct AppConfig: Sendable, Encodable {
    /// How the app's process is started.
    public enum Launch: Sendable, Equatable, Encodable {
        /// A Python file defining a WSGI `application`, served by gunicorn (Silver Lining's `runner`).
        case wsgi(runner: String)
        /// Any program that listens on `$PORT`, run through `/bin/sh -c` in the instance directory.
        case command(String)
    }

    /// The local directory holding `app.ini`.
    public var directory: String
    public var appName: String
    public var launch: Launch
    /// `service.NAME = SETTINGS` lines, by service name.
    public var services: [String: String]
    /// Paths (or `script:CMD`) fetched on the first node after it is activated.
    public var updateFetch: [String]
    /// `update_fetch_everywhere`: every other app server fetches them too, before it switches,
    /// marked as not the primary update.
    public var updateFetchEverywhere = false
    /// Debian packages the app needs on its app servers.
    public var packages: [String]
    public var defaultLocation: String?
    /// `config.template`: the directory `silver create-config` copies, relative to `directory`.
    public var configTemplate: String?
    /// Path requested to decide whether an instance is healthy.
    public var healthCheck: String
    /// `env.NAME = value` lines, in file order.
    public var environment: [EnvironmentVariable]
    /// Directory of files served directly by nginx, relative to the app directory.
    public var staticDirectory: String
    /// Things worth telling the user that are not errors (a key given twice, ...).
    public var warnings: [String]

    public init(
        directory: String, appName: String, launch: Launch, services: [String: String] = [:],
        updateFetch: [String] = [], packages: [String] = [], defaultLocation: String? = nil,
        healthCheck: String = "/", environment: [EnvironmentVariable] = [], staticDirectory: String = "static",
        warnings: [String] = []
    ) {
        self.directory = directory
        self.appName = appName
        self.launch = launch
        self.services = services
        self.updateFetch = updateFetch
        self.packages = packages
        self.defaultLocation = defaultLocation
        self.healthCheck = healthCheck
        self.environment = environment
        self.staticDirectory = staticDirectory
        self.warnings = warnings
    }
}
