/// How `silver show APP_DIR` prints an app's resolved `app.ini`.
public enum AppReport {
    public static func text(_ app: AppConfig) -> String {
        var rows: [[String]] = [["directory", app.directory]]
        switch app.launch {
        case .wsgi(let runner): rows.append(["runner", runner + " (WSGI)"])
        case .command(let command): rows.append(["command", command])
        }
        rows += app.services.keys.sorted().map { ["service.\($0)", app.services[$0] ?? ""] }
        rows.append(["update_fetch", app.updateFetch.isEmpty ? "-" : app.updateFetch.joined(separator: " ")])
        if app.updateFetchEverywhere { rows.append(["update_fetch_everywhere", "true"]) }
        rows.append(["packages", app.packages.isEmpty ? "-" : app.packages.joined(separator: " ")])
        rows.append(["default_location", app.defaultLocation ?? "-"])
        rows.append(["health_check", app.healthCheck])
        rows.append(["static", app.staticDirectory])
        rows += app.environment.map { ["env.\($0.name)", $0.value] }
        return "app \(app.appName)\n" + ReportFormatting.table(rows, indent: "  ")
    }

    public static func json(_ app: AppConfig) -> String {
        var runner: String?
        var command: String?
        switch app.launch {
        case .wsgi(let file): runner = file
        case .command(let line): command = line
        }
        return ReportFormatting.json(JSONApp(
            appName: app.appName, directory: app.directory, runner: runner, command: command, services: app.services,
            updateFetch: app.updateFetch, packages: app.packages, defaultLocation: app.defaultLocation,
            healthCheck: app.healthCheck, staticDirectory: app.staticDirectory, environment: app.environment,
            warnings: app.warnings))
    }

    private struct JSONApp: Encodable {
        var appName: String
        var directory: String
        var runner: String?
        var command: String?
        var services: [String: String]
        var updateFetch: [String]
        var packages: [String]
        var defaultLocation: String?
        var healthCheck: String
        var staticDirectory: String
        var environment: [EnvironmentVariable]
        var warnings: [String]

        enum CodingKeys: String, CodingKey {
            case directory, runner, command, services, packages, warnings
            case appName = "app_name", updateFetch = "update_fetch", defaultLocation = "default_location"
            case healthCheck = "health_check", staticDirectory = "static", environment = "env"
        }
    }
}
