import Foundation

/// Reads a nodeset file (`foobar.conf`): the files it extends, `${...}` interpolation,
/// `~/.silverlining.conf` for `[provider] name`, and every rule of the note.
public enum NodesetLoader {
    /// - Parameter environment: for `${NAME}`, `$HOME` and `$SILVER_USER_CONFIG`.
    /// - Throws: `ConfigError`, naming file, line and key.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> Nodeset {
        var extends = ExtendsLoader(environment: environment)
        let merged = try extends.load(path: path)
        var interpolator = Interpolator(config: merged, environment: environment)
        let config = try interpolator.resolveAll()
        var resolver = NodesetResolver(config: config, file: path, environment: environment, warnings: extends.warnings)
        return try resolver.resolve()
    }
}
