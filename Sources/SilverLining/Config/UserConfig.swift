import Foundation

/// The user's `~/.silverlining.conf`, which keeps provider accounts out of nodeset files:
///
///     [provider:work]
///     provider = ec2
///     username = AKIA...
///     secret_file = ${HOME}/.aws-secret
///
/// Only `[provider:NAME]` sections are read; other sections are left for other tools.
enum UserConfig {
    /// `$SILVER_USER_CONFIG` (for tests), else `$HOME/.silverlining.conf`.
    static func path(environment: [String: String]) -> String {
        if let explicit = environment["SILVER_USER_CONFIG"], !explicit.isEmpty { return explicit }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.silverlining.conf"
    }

    /// The `[provider:NAME]` section, interpolated and checked, or nil when the file or the
    /// section does not exist.
    static func providerSection(named name: String, environment: [String: String]) throws(ConfigError) -> SectionReader? {
        let path = path(environment: environment)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let document = try IniParser.parse(contentsOf: path)
        let sectionName = "provider:" + name
        guard document.sections.contains(where: { $0.name == sectionName }) else { return nil }
        var keys = ConfigSchema.providerKeys
        keys["name"] = nil
        let schema = ConfigSchema(sections: [sectionName: SectionSchema(keys: keys)])
        try schema.validate(IniDocument(file: path, sections: document.sections.filter { $0.name == sectionName }), fileKind: "provider account")
        var merged = MergedConfig()
        var ignoredWarnings: [String] = []
        merged.apply(document, warnings: &ignoredWarnings)
        var interpolator = Interpolator(config: merged, environment: environment)
        let section = try interpolator.resolve(section: sectionName)
        let config = ResolvedConfig(sectionOrder: [sectionName], sections: section.map { [sectionName: $0] } ?? [:])
        return SectionReader(sectionName, in: config, fallback: ConfigLocation(file: path, line: nil))
    }
}
