/// How an app is started, from `runner`, `command`, `platform` and `php_root`, as Silver
/// Lining's `AppConfig.get_app_from_runner` understood them: a `.py` runner defines a WSGI
/// object (`application`, or the one named after `#`), a `.ini` runner is loaded by Paste
/// Deploy (the `#name` is the app section), a `.php` runner receives every dynamic request
/// of a PHP app. `command` is silver's own, for any program that listens on `$PORT`.
struct AppLaunchReader {
    let production: SectionReader
    let directory: String

    init(_ production: SectionReader, directory: String) {
        self.production = production
        self.directory = directory
    }

    enum Platform: String, CaseIterable {
        case python, php
    }

    /// What `silver init` writes and Silver Lining fell back to without a `runner`.
    static let defaultRunner = "main.py"

    func launch(warnings: inout [String]) throws(ConfigError) -> AppConfig.Launch {
        let platform = try self.platform()
        let runner = try production.nonEmptyString("runner")
        let phpRoot = try production.nonEmptyString("php_root")
        if let command = try production.nonEmptyString("command") {
            guard runner == nil else {
                let later = [production.location(of: "runner"), production.location(of: "command")].max { ($0.line ?? 0) < ($1.line ?? 0) }
                throw production.error(nil, "give runner or command, not both", at: later)
            }
            guard platform == nil else {
                throw production.error("platform", "is for runner apps; command runs any program that listens on $PORT",
                    hint: "remove platform, or replace command with runner = FILE")
            }
            return .command(command)
        }
        guard let runner else { return try defaultLaunch(platform: platform) }
        let (file, name) = Self.split(runner)
        guard AppPath.isInside(file) else {
            throw production.invalid("runner", "must be a file inside the app directory", got: runner)
        }
        let isPHP = file.hasSuffix(".php")
        switch (platform, isPHP) {
        case (.python, true):
            throw production.invalid("runner", "is a PHP file, but platform = python", got: runner,
                hint: "PHP apps say platform = php (or leave platform out: a .php runner means PHP)")
        case (.php, false):
            throw production.invalid("runner", "must be a .php file with platform = php", got: runner,
                hint: "every dynamic request of a PHP app goes through its runner, e.g. runner = site/runner.php")
        default:
            break
        }
        if !isPHP && !file.hasSuffix(".py") && !file.hasSuffix(".ini") {
            throw production.invalid("runner", "must be a .py file (a WSGI app), a .ini file (Paste Deploy) or a .php file (PHP)",
                got: runner, hint: "for any other program use command = ... (it must listen on $PORT)")
        }
        guard AppPath.isFile(directory, file) else {
            throw production.error("runner", "no such file \(ValueSyntax.quoted(AppPath.join(directory, file)))",
                hint: "runner is relative to the app directory")
        }
        if isPHP {
            if name != nil {
                throw production.invalid("runner", "#NAME picks a Python object or Paste Deploy section; a PHP runner has none", got: runner)
            }
            return .php(runner: file, phpRoot: try self.phpRoot(phpRoot, warnings: &warnings))
        }
        if let name { try validate(name, in: runner, pasteDeploy: file.hasSuffix(".ini")) }
        return .wsgi(runner: runner)
    }

    /// No runner: `main.py` when the app has one, as Silver Lining's `silver init --main` made.
    private func defaultLaunch(platform: Platform?) throws(ConfigError) -> AppConfig.Launch {
        guard platform != .php else {
            throw production.error("runner", "is missing; platform = php needs runner = FILE.php",
                hint: "every dynamic request of a PHP app goes through its runner, e.g. runner = site/runner.php",
                at: production.location(of: "platform"))
        }
        guard AppPath.isFile(directory, Self.defaultRunner) else {
            throw production.error(nil, "app.ini says neither runner nor command, and the app has no \(Self.defaultRunner)",
                hint: "runner = app.py for a WSGI app (main.py is used when there is no runner), runner = config.ini for Paste Deploy, or command = PROGRAM for anything that listens on $PORT")
        }
        return .wsgi(runner: Self.defaultRunner)
    }

    private func platform() throws(ConfigError) -> Platform? {
        guard let text = try production.nonEmptyString("platform") else { return nil }
        guard let platform = Platform(rawValue: text) else {
            throw production.invalid("platform", "must be python or php", got: text)
        }
        return platform
    }

    private func phpRoot(_ text: String?, warnings: inout [String]) throws(ConfigError) -> String? {
        guard let text else { return nil }
        guard AppPath.isInside(text) else {
            throw production.invalid("php_root", "must be a directory inside the app directory", got: text)
        }
        if !AppPath.isDirectory(directory, text) {
            // Silver Lining's WordPress example fetches its php_root with a script first.
            warnings.append(Diagnostic.warning(production.location(of: "php_root"), section: production.name, key: "php_root",
                "no such directory \(ValueSyntax.quoted(AppPath.join(directory, text))) yet; nothing is served from it until there is"))
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    /// `main.py#app` names a Python object; `config.ini#name` a Paste Deploy section.
    private func validate(_ name: String, in runner: String, pasteDeploy: Bool) throws(ConfigError) {
        let valid = pasteDeploy
            ? !name.isEmpty && !name.contains(where: { $0.isWhitespace || $0 == "#" || $0 == ":" })
            : Interpolator.isEnvironmentName(name)
        guard valid else {
            throw production.invalid("runner", pasteDeploy
                ? "#NAME must name a Paste Deploy app section (config.ini#name for [app:name])"
                : "#NAME must be a Python identifier (the object main.py defines)", got: runner)
        }
    }

    /// `main.py#name` as ("main.py", "name"); no `#`: no name.
    static func split(_ runner: String) -> (file: String, name: String?) {
        guard let hash = runner.firstIndex(of: "#") else { return (runner, nil) }
        return (String(runner[..<hash]), String(runner[runner.index(after: hash)...]))
    }
}
