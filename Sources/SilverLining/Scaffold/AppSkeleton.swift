import Foundation

/// The app layout `silver init DIR` writes, Silver Lining's own: `app.ini`, a runner
/// (`main.py`, or a Paste Deploy `config.ini` with `--config`), `static/` for files the web
/// server hands out, `lib/python/` for bundled libraries, and a README.txt saying so.
///
/// Files are Tempita templates filled with the same engine as `create-config`, so the
/// layout reads like Silver Lining's `init-files/*.tmpl`.
public struct AppSkeleton: Sendable {
    public var directory: String
    public var appName: String
    public var main: Bool
    public var config: Bool

    /// `main` and `config` are init's flags. Neither gives `main.py`, so that a fresh layout
    /// deploys as written (Silver Lining left `runner` for the user to fill in).
    public init(directory: String, main: Bool = false, config: Bool = false) throws(UsageError) {
        self.directory = directory
        appName = URL(fileURLWithPath: directory).standardizedFileURL.lastPathComponent
        self.main = main || !config
        self.config = config
        guard ValueSyntax.isSafeIdentifier(appName) else {
            throw UsageError("the app would be named \"\(appName)\" after its directory, but app names are letters, digits, '_' and '-'",
                hint: "name the directory as the app should be named")
        }
    }

    /// The Python module the Paste Deploy factory lives in: the app's name as an identifier.
    var moduleName: String {
        let name = appName.replacingOccurrences(of: "-", with: "_")
        return name.first?.isNumber == true ? "app_" + name : name
    }

    /// Path, template and whether `force` may replace it, in the order init writes them.
    var files: [(path: String, template: String, forceable: Bool)] {
        var files = [("README.txt", Self.readme, false), ("app.ini", Self.appIni, false)]
        if config {
            files.append(("config.ini", Self.configIni, true))
            files.append(("lib/python/\(moduleName).py", Self.factoryModule, true))
        }
        if main { files.append(("main.py", Self.mainPy, true)) }
        return files
    }

    static let directories = ["static", "lib/python"]

    /// Writes the layout; nothing that is there already is replaced unless `force`, and
    /// README.txt and app.ini never are.
    public func write(force: Bool) throws -> [FileStep] {
        var steps: [FileStep] = []
        let variables = [
            "app_name": appName, "module": moduleName, "main": main ? "true" : "", "config": config ? "true" : "",
            "services": ServiceKind.allCases.map { "#service.\($0.rawValue) =" }.joined(separator: "\n"),
        ]
        _ = try InitCopy.makeDirectory(directory)
        for name in Self.directories {
            let created = try InitCopy.makeDirectory(directory + "/" + name)
            steps.append(FileStep(path: name + "/", outcome: created ? .created : .unchanged))
        }
        for file in files {
            let content = try TempitaTemplate(file.template, file: file.path + ".tmpl").render(variables)
            let outcome = try InitCopy.write(content, to: directory + "/" + file.path, force: force, forceable: file.forceable)
            steps.append(FileStep(path: file.path, outcome: outcome))
        }
        return steps
    }
}
