/// The environment an instance runs with: Silver Lining's own variables, then the services'
/// settings, then the app's `env.*` lines (which win).
public enum InstanceEnvironment {
    public static let version = "silverlining/0.1"

    public static func variables(
        instance: String, app: AppConfig, target: AppTarget, services: [EnvironmentVariable], configDirectory: String?
    ) -> [EnvironmentVariable] {
        var variables = [
            EnvironmentVariable(name: "SILVER_VERSION", value: version),
            EnvironmentVariable(name: "SILVER_INSTANCE_NAME", value: instance),
            EnvironmentVariable(name: "SILVER_APP_NAME", value: app.appName),
            EnvironmentVariable(name: "SILVER_MATCH_PATH", value: matchPath(target.primary.path)),
            EnvironmentVariable(name: "SILVER_CANONICAL_HOSTNAME", value: target.canonicalHostname),
            EnvironmentVariable(name: "SILVER_LOGS", value: InstanceInstaller.logFile(instance)),
            EnvironmentVariable(name: "TEMP", value: InstanceInstaller.temporaryDirectory(instance)),
            EnvironmentVariable(name: "TMPDIR", value: InstanceInstaller.temporaryDirectory(instance)),
        ]
        if let configDirectory {
            variables.append(EnvironmentVariable(name: "SILVER_APP_CONFIG", value: configDirectory))
        }
        variables += services
        variables += app.environment
        // A later value for the same name wins; keep one of each, in first-seen order.
        var last: [String: String] = [:]
        for variable in variables { last[variable.name] = variable.value }
        return variables.map(\.name).uniqued().map { EnvironmentVariable(name: $0, value: last[$0]!) }
    }

    /// As Silver Lining's docs give it: `/blog` for an app at `site.example.com/blog/`, `/` at the root.
    static func matchPath(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}
