import Foundation

/// Reads a nodeset file together with the files its `[general] extends` names, merged:
/// the extended files in order (later wins), then the file itself on top.
struct ExtendsLoader {
    let environment: [String: String]
    var warnings: [String] = []

    init(environment: [String: String]) {
        self.environment = environment
    }

    mutating func load(path: String) throws(ConfigError) -> MergedConfig {
        try load(path: path, chain: [], displayChain: [])
    }

    private mutating func load(path: String, chain: [String], displayChain: [String]) throws(ConfigError) -> MergedConfig {
        let document = try IniParser.parse(contentsOf: path)
        try ConfigSchema.nodeset.validate(document, fileKind: "nodeset")
        let chain = chain + [ExtendsLoader.canonical(path)]
        let displayChain = displayChain + [path]
        var merged = MergedConfig()
        for (word, location) in try extendedFiles(of: document) {
            let child = ExtendsLoader.path(word, relativeTo: path)
            if let start = chain.firstIndex(of: ExtendsLoader.canonical(child)) {
                let cycle = (displayChain[start...] + [child]).joined(separator: " → ")
                throw ConfigError(location, section: "general", key: "extends", "extends cycle: \(cycle)",
                    hint: "a file cannot extend itself, directly or through others")
            }
            guard FileManager.default.fileExists(atPath: child) else {
                throw ConfigError(location, section: "general", key: "extends", "no such file \"\(child)\"",
                    hint: "extends paths are relative to the file that names them")
            }
            merged.overlay(try load(path: child, chain: chain, displayChain: displayChain))
        }
        merged.apply(document, warnings: &warnings)
        merged.removeValue(section: "general", key: "extends")
        return merged
    }

    /// The words of this file's own `extends` (after its `+=`/`-=`), with `${NAME}` filled
    /// from the environment. `${section:key}` cannot be used here: sections are not merged yet.
    private func extendedFiles(of document: IniDocument) throws(ConfigError) -> [(String, ConfigLocation)] {
        var lines: [ValueLine] = []
        for section in document.sections where section.name == "general" {
            for entry in section.entries where entry.key == "extends" {
                lines = MergedConfig.applying(entry, to: lines).0
            }
        }
        var files: [(String, ConfigLocation)] = []
        for line in lines {
            let (text, _) = try Interpolator.expand(line.text, at: line.location, section: "general", key: "extends") {
                (target) throws(ConfigError) -> (String, Bool) in
                switch target {
                case .environment(let name):
                    guard let value = environment[name] else {
                        throw ConfigError(line.location, section: "general", key: "extends", "environment variable \(name) is not set")
                    }
                    return (value, false)
                case .option:
                    throw ConfigError(line.location, section: "general", key: "extends",
                        "extends can use ${NAME} environment variables but not ${section:key}",
                        hint: "sections are only known once the extended files are read")
                }
            }
            for word in text.split(whereSeparator: \.isWhitespace) { files.append((String(word), line.location)) }
        }
        return files
    }

    static func path(_ path: String, relativeTo file: String) -> String {
        if path.hasPrefix("/") { return path }
        let directory = (file as NSString).deletingLastPathComponent
        return directory.isEmpty ? path : (directory as NSString).appendingPathComponent(path)
    }

    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
