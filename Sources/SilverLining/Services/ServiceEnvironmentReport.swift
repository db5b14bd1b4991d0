/// The environment services give an app, as a person reads it. Secrets are masked unless
/// asked for: values of names containing PASSWORD or SECRET, and the password inside any
/// URL (`DATABASE_URL`, `CONFIG_*_SQLALCHEMY`).
public enum ServiceEnvironmentReport {
    public static let mask = "********"

    /// One `NAME=value` line per variable, in the order given.
    public static func render(_ vars: [EnvironmentVariable], reveal: Bool) -> String {
        vars.map { "\($0.name)=\(reveal ? $0.value : masked($0))\n" }.joined()
    }

    /// One JSON object, name to value: what the instance's process sees, where a name
    /// given twice has its later value.
    public static func json(_ vars: [EnvironmentVariable], reveal: Bool) -> String {
        var object: [String: String] = [:]
        for variable in vars { object[variable.name] = reveal ? variable.value : masked(variable) }
        return ReportFormatting.json(object) + "\n"
    }

    public static func isSecretName(_ name: String) -> Bool {
        let upper = name.uppercased()
        return upper.contains("PASSWORD") || upper.contains("SECRET")
    }

    static func masked(_ variable: EnvironmentVariable) -> String {
        if isSecretName(variable.name) { return variable.value.isEmpty ? "" : mask }
        return DatabaseURL.maskingPassword(in: variable.value, with: mask) ?? variable.value
    }
}
