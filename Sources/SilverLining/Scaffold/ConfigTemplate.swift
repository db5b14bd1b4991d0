import Foundation

/// An app's `config.template` directory (app.ini), from which `silver create-config` makes
/// a configuration directory for `silver update --config`, as Silver Lining's did: its
/// `template.ini` `[variables]` are asked, `*.tmpl` files are filled with Tempita, and
/// `+name+` in a file's path is replaced by that variable.
public struct ConfigTemplate: Sendable {
    public struct Variable: Sendable, Equatable {
        public var name: String
        public var description: String
    }

    /// The template directory, as app.ini names it joined to the app directory.
    public var directory: String
    /// `template.ini`'s `[variables]`, by name; empty when it has none or no template.ini.
    public var variables: [Variable]
    public var hasSettings: Bool

    public static func load(app: AppConfig) throws -> ConfigTemplate {
        guard let relative = app.deploymentConfig.templateDirectory else {
            throw UsageError("the app \(app.appName) has no config.template",
                hint: "app.ini's config.template = DIR names the directory create-config copies, relative to the app")
        }
        let directory = (app.directory as NSString).appendingPathComponent(relative)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw UsageError("config.template \(ValueSyntax.quoted(relative)) is not a directory: \(directory)")
        }
        let settings = (directory as NSString).appendingPathComponent("template.ini")
        guard FileManager.default.fileExists(atPath: settings) else {
            return ConfigTemplate(directory: directory, variables: [], hasSettings: false)
        }
        let document = try IniParser.parse(contentsOf: settings)
        var byName: [String: String] = [:]
        for section in document.sections where section.name == "variables" {
            // Silver Lining read template.ini with ConfigParser, which lower-cases keys.
            for entry in section.entries { byName[entry.key.lowercased()] = entry.lines.map(\.text).joined(separator: " ") }
        }
        let variables = byName.keys.sorted().map { Variable(name: $0, description: byName[$0] ?? "") }
        return ConfigTemplate(directory: directory, variables: variables, hasSettings: true)
    }

    /// `--info`: what each variable is for.
    public var info: String {
        guard hasSettings else { return "The application has no template.ini in \(directory)\n" }
        return "The variables that can be substituted in the files:\n"
            + variables.map { "  \($0.name):\n    \($0.description)\n" }.joined()
    }

    /// `var=value` words from the command line.
    public static func assignments(_ words: [String]) throws(UsageError) -> [String: String] {
        var values: [String: String] = [:]
        for word in words {
            guard let equals = word.firstIndex(of: "="), equals != word.startIndex else {
                throw UsageError("the argument \(ValueSyntax.quoted(word)) should be in the form var=value")
            }
            values[String(word[..<equals])] = String(word[word.index(after: equals)...])
        }
        return values
    }

    /// `given`, plus an answer from `ask` for each variable of template.ini not given, in
    /// name order, as Silver Lining asked them.
    public func values(given: [String: String], ask: (Variable) throws -> String) rethrows -> [String: String] {
        var values = given
        for variable in variables where values[variable.name] == nil {
            values[variable.name] = try ask(variable)
        }
        return values
    }
}
