/// The `app.ini` keys Silver Lining's `silversupport/appconfig.py` knew beyond silver's own:
/// its deprecated names (loaded, with the warnings it gave), its install scripts, its
/// deployment configuration (`config.*`), and PHP 5 package names from its Ubuntu days.
struct SilverLiningKeys {
    let production: SectionReader
    let directory: String

    init(_ production: SectionReader, directory: String) {
        self.production = production
        self.directory = directory
    }

    /// `default_location`, or Silver Lining's older names for it, with its warning.
    func defaultLocation(warnings: inout [String]) throws(ConfigError) -> String? {
        var location = try production.nonEmptyString("default_location")
        for old in ["default_hostname", "default_host"] where production.has(old) {
            let value = try production.nonEmptyString(old)
            warnings.append(Diagnostic.warning(production.location(of: old), section: production.name, key: old,
                "has been renamed to default_location" + (location == nil ? "; used as default_location" : "; default_location wins")))
            location = location ?? value
        }
        return location
    }

    /// Warnings for keys that load but do nothing here.
    func warnAboutIgnoredKeys(launch: AppConfig.Launch, warnings: inout [String]) {
        if production.has("version") {
            warnings.append(Diagnostic.warning(production.location(of: "version"), section: production.name, key: "version",
                "is deprecated and ignored, as in Silver Lining"))
        }
        if case .php = launch { return }
        if production.has("php_root") {
            warnings.append(Diagnostic.warning(production.location(of: "php_root"), section: production.name, key: "php_root",
                "is used only by PHP apps (platform = php); ignored"))
        }
    }

    /// `package_install_script` or `after_install_script`: files in the app, one per line,
    /// run as root on each app server before and after the app's `packages` are installed.
    func scripts(_ key: String) throws(ConfigError) -> [String] {
        var scripts: [String] = []
        for line in try production.lines(key) ?? [] where !line.text.isEmpty {
            guard AppPath.isInside(line.text) else {
                throw production.invalid(key, "must be a file inside the app directory, one per line", got: line.text, at: line.location)
            }
            guard AppPath.isFile(directory, line.text) else {
                throw production.error(key, "no such file \(ValueSyntax.quoted(AppPath.join(directory, line.text)))",
                    hint: "scripts are relative to the app directory", at: line.location)
            }
            scripts.append(line.text)
        }
        return scripts
    }

    func deploymentConfig() throws(ConfigError) -> DeploymentConfig {
        var config = DeploymentConfig()
        config.required = try production.bool("config.required") ?? false
        if let checker = try production.nonEmptyString("config.checker") {
            guard Self.isCheckerName(checker) else {
                throw production.invalid("config.checker", "must be module:function (a Python module and an object in it)", got: checker,
                    hint: "for example: config.checker = myapp.config:check")
            }
            config.checker = checker
        }
        config.defaultDirectory = try directory("config.default")
        config.templateDirectory = try directory("config.template")
        return config
    }

    private func directory(_ key: String) throws(ConfigError) -> String? {
        guard let text = try production.nonEmptyString(key) else { return nil }
        guard AppPath.isInside(text) else { throw production.invalid(key, "must be a directory inside the app directory", got: text) }
        guard AppPath.isDirectory(directory, text) else {
            throw production.error(key, "no such directory \(ValueSyntax.quoted(AppPath.join(directory, text)))",
                hint: "\(key) is relative to the app directory")
        }
        return text
    }

    /// `module.sub:object.attribute`, as Silver Lining imported and looked it up.
    static func isCheckerName(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return parts.allSatisfy { part in
            let names = part.split(separator: ".", omittingEmptySubsequences: false)
            return !names.isEmpty && names.allSatisfy { Interpolator.isEnvironmentName(String($0)) }
        }
    }

    /// Silver Lining ran on Ubuntu with PHP 5; Debian 12 has PHP 8.2, whose `php-NAME`
    /// packages stand for `php5-NAME`. `php5` itself is what silver installs for PHP apps.
    func portedPackages(_ packages: [String], warnings: inout [String]) throws(ConfigError) -> [String] {
        var ported: [String] = []
        for package in packages {
            if package == "php5" {
                warnings.append(Diagnostic.warning(production.location(of: "packages"), section: production.name, key: "packages",
                    "php5: Debian 12 has PHP 8.2, which silver installs for PHP apps; ignored"))
            } else if package.hasPrefix("php5-") {
                let now = "php-" + package.dropFirst("php5-".count)
                warnings.append(Diagnostic.warning(production.location(of: "packages"), section: production.name, key: "packages",
                    "\(package) is PHP 5's; Debian 12 has PHP 8.2, so silver installs \(now)"))
                ported.append(now)
            } else {
                ported.append(package)
            }
        }
        return ported.uniqued()
    }
}
