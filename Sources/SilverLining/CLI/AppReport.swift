/// How `silver show APP_DIR` prints an app's resolved `app.ini`.
public enum AppReport {
    public static func text(_ app: AppConfig) -> String {
        var rows: [[String]] = [["directory", app.directory]]
        switch app.launch {
        case .wsgi(let runner): rows.append(["runner", runner + (runner.contains(".ini") ? " (Paste Deploy)" : " (WSGI)")])
        case .php(let runner, let root):
            rows.append(["platform", "php"])
            rows.append(["runner", runner])
            rows.append(["php_root", root ?? "-"])
        case .command(let command): rows.append(["command", command])
        }
        rows += app.services.keys.sorted().map { ["service.\($0)", app.services[$0] ?? ""] }
        rows.append(["update_fetch", app.updateFetch.isEmpty ? "-" : app.updateFetch.joined(separator: " ")])
        if app.updateFetchEverywhere { rows.append(["update_fetch_everywhere", "true"]) }
        rows.append(["packages", app.packages.isEmpty ? "-" : app.packages.joined(separator: " ")])
        for (key, scripts) in [("package_install_script", app.packageInstallScripts), ("after_install_script", app.afterInstallScripts)]
        where !scripts.isEmpty {
            rows.append([key, scripts.joined(separator: " ")])
        }
        let config = app.deploymentConfig
        if config.required { rows.append(["config.required", "true"]) }
        for (key, value) in [("config.checker", config.checker), ("config.default", config.defaultDirectory), ("config.template", config.templateDirectory)] {
            if let value { rows.append([key, value]) }
        }
        rows.append(["default_location", app.defaultLocation ?? "-"])
        rows.append(["health_check", app.healthCheck])
        rows.append(["static", app.staticDirectory])
        rows += app.environment.map { ["env.\($0.name)", $0.value] }
        return "app \(app.appName)\n" + ReportFormatting.table(rows, indent: "  ")
    }

    public static func json(_ app: AppConfig) -> String {
        var runner: String?
        var command: String?
        var platform = "python"
        var phpRoot: String?
        switch app.launch {
        case .wsgi(let file): runner = file
        case .php(let file, let root):
            runner = file
            platform = "php"
            phpRoot = root
        case .command(let line):
            command = line
            platform = "command"
        }
        return ReportFormatting.json(JSONApp(
            appName: app.appName, directory: app.directory, platform: platform, runner: runner, phpRoot: phpRoot, command: command,
            services: app.services, updateFetch: app.updateFetch, packages: app.packages,
            packageInstallScripts: app.packageInstallScripts, afterInstallScripts: app.afterInstallScripts,
            deploymentConfig: app.deploymentConfig, defaultLocation: app.defaultLocation,
            healthCheck: app.healthCheck, staticDirectory: app.staticDirectory, environment: app.environment,
            warnings: app.warnings))
    }

    private struct JSONApp: Encodable {
        var appName: String
        var directory: String
        var platform: String
        var runner: String?
        var phpRoot: String?
        var command: String?
        var services: [String: String]
        var updateFetch: [String]
        var packages: [String]
        var packageInstallScripts: [String]
        var afterInstallScripts: [String]
        var deploymentConfig: DeploymentConfig
        var defaultLocation: String?
        var healthCheck: String
        var staticDirectory: String
        var environment: [EnvironmentVariable]
        var warnings: [String]

        enum CodingKeys: String, CodingKey {
            case directory, platform, runner, command, services, packages, warnings
            case appName = "app_name", updateFetch = "update_fetch", defaultLocation = "default_location", phpRoot = "php_root"
            case packageInstallScripts = "package_install_script", afterInstallScripts = "after_install_script"
            case deploymentConfig = "config"
            case healthCheck = "health_check", staticDirectory = "static", environment = "env"
        }
    }
}
