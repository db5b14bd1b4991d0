/// An app directory's `app.ini` `[production]` section, resolved.
public struct AppConfig: Sendable, Encodable {
    /// How the app's process is started.
    public enum Launch: Sendable, Equatable, Encodable {
        /// Silver Lining's Python `runner`, served by gunicorn: `main.py` (its `application`),
        /// `main.py#name` (another object), `production.ini` or `config.ini#name` (Paste
        /// Deploy). The `#name` part is kept in the string; the app server's loader splits it.
        case wsgi(runner: String)
        /// `platform = php`: every dynamic request goes through `runner` (a `.php` file in the
        /// app); files under `phpRoot` that are not `.php` are served directly.
        case php(runner: String, phpRoot: String?)
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
    /// Scripts in the app run as root on each app server before `packages` are installed
    /// (`package_install_script`, e.g. to add an apt source) and after (`after_install_script`),
    /// relative to the app directory.
    public var packageInstallScripts: [String]
    public var afterInstallScripts: [String]
    /// `config.*`: the deployment configuration the app asks for.
    public var deploymentConfig: DeploymentConfig
    public var defaultLocation: String?
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
        updateFetch: [String] = [], packages: [String] = [], packageInstallScripts: [String] = [],
        afterInstallScripts: [String] = [], deploymentConfig: DeploymentConfig = DeploymentConfig(),
        defaultLocation: String? = nil, healthCheck: String = "/", environment: [EnvironmentVariable] = [],
        staticDirectory: String = "static", warnings: [String] = []
    ) {
        self.directory = directory
        self.appName = appName
        self.launch = launch
        self.services = services
        self.updateFetch = updateFetch
        self.packages = packages
        self.packageInstallScripts = packageInstallScripts
        self.afterInstallScripts = afterInstallScripts
        self.deploymentConfig = deploymentConfig
        self.defaultLocation = defaultLocation
        self.healthCheck = healthCheck
        self.environment = environment
        self.staticDirectory = staticDirectory
        self.warnings = warnings
    }
}

/// Silver Lining's `config.required`, `config.default`, `config.checker` and `config.template`.
public struct DeploymentConfig: Sendable, Equatable, Encodable {
    /// An update must have a configuration: uploaded now or earlier, or `defaultDirectory`.
    public var required: Bool
    /// `module:function`, called with the configuration directory in the new instance's
    /// environment before any node switches; an exception stops the update.
    public var checker: String?
    /// A directory in the app used as `SILVER_APP_CONFIG` when none was ever uploaded.
    public var defaultDirectory: String?
    /// A directory in the app that `create-config` copies (with `.tmpl` files filled in).
    public var templateDirectory: String?

    enum CodingKeys: String, CodingKey {
        case required, checker
        case defaultDirectory = "default", templateDirectory = "template"
    }

    public init(required: Bool = false, checker: String? = nil, defaultDirectory: String? = nil, templateDirectory: String? = nil) {
        self.required = required
        self.checker = checker
        self.defaultDirectory = defaultDirectory
        self.templateDirectory = templateDirectory
    }
}
