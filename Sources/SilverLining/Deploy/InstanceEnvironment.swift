/// The environment an instance runs with: Silver Lining's own variables, then the services'
/// settings, then the app's `env.*` lines (which win).
public enum InstanceEnvironment {
    public static let version = "silverlining/0.1"

    /// The controller's part: where an instance keeps its log, scratch space and deploy
    /// config is the agent's to say, and it adds those (`SILVER_LOGS`, `TEMP`, `TMPDIR`,
    /// `SILVER_APP_CONFIG`) and `PORT` when it installs the instance.
    public static func variables(instance: String, app: AppConfig, target: AppTarget, services: [EnvironmentVariable]) -> [EnvironmentVariable] {
        let silver = [
            EnvironmentVariable(name: "SILVER_VERSION", value: version),
            EnvironmentVariable(name: "SILVER_INSTANCE_NAME", value: instance),
            EnvironmentVariable(name: "SILVER_APP_NAME", value: app.appName),
            EnvironmentVariable(name: "SILVER_MATCH_PATH", value: matchPath(target.primary.path)),
            EnvironmentVariable(name: "SILVER_CANONICAL_HOSTNAME", value: target.canonicalHostname),
        ]
        return EnvironmentVariable.merged(silver + services + app.environment)
    }

    /// As Silver Lining's docs give it: `/blog` for an app at `site.example.com/blog/`, `/` at the root.
    static func matchPath(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}
