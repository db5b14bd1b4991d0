import Foundation

/// Reads an app directory's `app.ini`. It is plain INI: no extends and no interpolation,
/// because its values (commands, `env.NAME`) are used on the app servers as written.
public enum AppLoader {
    /// - Throws: `ConfigError`, naming the file, line and key.
    public static func load(directory: String) throws(ConfigError) -> AppConfig {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ConfigError(ConfigLocation(file: directory, line: nil), "no such app directory")
        }
        let path = (directory as NSString).appendingPathComponent("app.ini")
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigError(ConfigLocation(file: path, line: nil), "no app.ini in this directory",
                hint: "an app directory holds app.ini with a [production] section naming app_name and runner or command")
        }
        let document = try IniParser.parse(contentsOf: path)
        try ConfigSchema.app.validate(document, fileKind: "app.ini")
        var warnings: [String] = []
        var merged = MergedConfig()
        merged.apply(document, warnings: &warnings)
        let production = SectionReader("production", in: ResolvedConfig(literal: merged), fallback: ConfigLocation(file: path, line: 1),
            refusesNodeTemplates: false)
        guard production.exists else {
            throw production.error(nil, "app.ini has no [production] section", hint: "start it with [production], then app_name = NAME")
        }
        guard let appName = try production.nonEmptyString("app_name") else {
            throw production.error("app_name", "is missing", hint: "app_name = NAME names the app's directory and service on the nodes")
        }
        guard ValueSyntax.isSafeIdentifier(appName) else {
            throw production.invalid("app_name", "must be letters, digits, '_' and '-' (it names directories and services)", got: appName)
        }
        var app = AppConfig(
            directory: directory, appName: appName, launch: try AppLaunchReader(production, directory: directory).launch(warnings: &warnings))
        for key in production.section?.keyOrder ?? [] {
            if key.hasPrefix("service.") {
                let name = String(key.dropFirst("service.".count))
                // Silver Lining's marker for PHP apps; the runner already says so.
                if name == "php" { continue }
                if let retired = RetiredService(rawValue: name) {
                    throw production.error(key, retired.refusal, hint: retired.hint)
                }
                guard ServiceKind(rawValue: name) != nil else {
                    let known = ServiceKind.allCases.map(\.rawValue)
                    throw production.error(key, "unknown service \"\(name)\"", hint: DidYouMean.hint(for: name, among: known, listing: "services"))
                }
                app.services[name] = try production.string(key) ?? ""
            } else if key.hasPrefix("env.") {
                let name = String(key.dropFirst("env.".count))
                guard Interpolator.isEnvironmentName(name) else {
                    throw production.invalid(key, "must be env.NAME with NAME of letters, digits and '_', not starting with a digit", got: name)
                }
                app.environment.append(EnvironmentVariable(name: name, value: try production.string(key) ?? ""))
            }
        }
        let compatibility = SilverLiningKeys(production, directory: directory)
        app.updateFetch = try updateFetch(production)
        app.updateFetchEverywhere = try production.bool("update_fetch_everywhere") ?? false
        app.packages = try compatibility.portedPackages(try packages(production), warnings: &warnings)
        app.packageInstallScripts = try compatibility.scripts("package_install_script")
        app.afterInstallScripts = try compatibility.scripts("after_install_script")
        app.deploymentConfig = try compatibility.deploymentConfig()
        app.defaultLocation = try compatibility.defaultLocation(warnings: &warnings)
        compatibility.warnAboutIgnoredKeys(launch: app.launch, warnings: &warnings)
        if let healthCheck = try production.nonEmptyString("health_check") {
            guard ValueSyntax.isRequestPath(healthCheck) else {
                throw production.invalid("health_check", "must be a path starting with /, with %-escapes for spaces and other characters", got: healthCheck)
            }
            app.healthCheck = healthCheck
        }
        if let directory = try production.nonEmptyString("static") {
            guard AppPath.isInside(directory) else {
                throw production.invalid("static", "must be a directory inside the app directory", got: directory)
            }
            app.staticDirectory = directory
        }
        app.warnings = warnings
        return app
    }

    /// Paths requested after activation; a `script:CMD` line is one entry however many words.
    private static func updateFetch(_ production: SectionReader) throws(ConfigError) -> [String] {
        var entries: [String] = []
        for line in try production.lines("update_fetch") ?? [] {
            if line.text.hasPrefix("script:") {
                guard line.text.count > "script:".count else {
                    throw production.invalid("update_fetch", "script: needs a command after it", got: line.text, at: line.location)
                }
                entries.append(line.text)
                continue
            }
            for word in line.text.split(whereSeparator: \.isWhitespace).map(String.init) {
                guard ValueSyntax.isRequestPath(word) else {
                    throw production.invalid(
                        "update_fetch", "entries are paths starting with / (with %-escapes for other characters) or script:COMMAND lines",
                        got: word, at: line.location)
                }
                entries.append(word)
            }
        }
        return entries
    }

    /// Debian package names: lower-case letters, digits, `+`, `-` and `.`.
    private static func packages(_ production: SectionReader) throws(ConfigError) -> [String] {
        var packages: [String] = []
        for (word, location) in try production.words("packages") ?? [] {
            let startsWell = word.first.map { $0.isASCII && ($0.isLowercase || $0.isNumber) } ?? false
            let valid = word.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || "+-.".contains($0)) }
            guard startsWell, valid, word.count >= 2 else {
                throw production.invalid("packages", "must be Debian package names", got: word, at: location)
            }
            packages.append(word)
        }
        return packages
    }
}
