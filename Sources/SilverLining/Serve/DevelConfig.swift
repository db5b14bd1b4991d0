import Foundation

/// Silver Lining's `develconfig.py`: the `[devel]` and `[devel:APP]` sections of the user's
/// `~/.silverlining.conf` (or `$SILVER_USER_CONFIG`), the later winning, with `APP_NAME`
/// in values replaced by the app's name. Keys are compared without case, as Python's
/// ConfigParser read them: `mysql.host = db.example.com` sets `CONFIG_MYSQL_HOST`.
public enum DevelConfig {
    public static func load(app: String, environment: [String: String]) throws -> [String: String] {
        let path = UserConfig.path(environment: environment)
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        let document = try IniParser.parse(contentsOf: path)
        var values: [String: String] = [:]
        for name in ["devel", "devel:" + app] {
            for section in document.sections where section.name == name {
                for entry in section.entries {
                    values[entry.key.lowercased()] = entry.lines.map(\.text).joined(separator: "\n").replacing("APP_NAME", with: app)
                }
            }
        }
        return values
    }
}
