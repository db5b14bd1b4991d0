/// A value after interpolation, with where it was written.
struct ResolvedValue: Sendable {
    var lines: [ValueLine]
    var location: ConfigLocation
    /// A provider `secret`, or anything that took text from one: never shown.
    var isSecret: Bool

    var text: String { lines.map(\.text).joined(separator: "\n") }
}

struct ResolvedSection: Sendable {
    var name: String
    var location: ConfigLocation
    var keyOrder: [String]
    var values: [String: ResolvedValue]

    subscript(key: String) -> ResolvedValue? { values[key] }
}

/// Every section of a file (and what it extends) with `${...}` filled in.
struct ResolvedConfig: Sendable {
    var sectionOrder: [String]
    var sections: [String: ResolvedSection]

    subscript(section: String) -> ResolvedSection? { sections[section] }

    /// For files that are not templates (app.ini): values exactly as written.
    init(literal config: MergedConfig) {
        sectionOrder = config.sectionOrder
        sections = config.sections.mapValues { section in
            ResolvedSection(name: section.name, location: section.location, keyOrder: section.keyOrder,
                values: section.values.mapValues { ResolvedValue(lines: $0.lines, location: $0.location, isSecret: false) })
        }
    }

    init(sectionOrder: [String], sections: [String: ResolvedSection]) {
        self.sectionOrder = sectionOrder
        self.sections = sections
    }
}

/// Fills in `${NAME}` (an environment variable) and `${section:key}` (another value of the
/// same configuration, buildout style; `${:key}` is a key of the same section). `$$` is a
/// literal `$`; a `$` not followed by `{` is kept as is. `{{...}}` is left for the per-node
/// step. Each value is resolved once, so references are cheap however they are nested.
struct Interpolator {
    static let maximumValueSize = 1 << 20
    static let maximumDepth = 64

    let config: MergedConfig
    let environment: [String: String]
    private var resolved: [Reference: ResolvedValue] = [:]
    private var inProgress: [Reference] = []

    init(config: MergedConfig, environment: [String: String]) {
        self.config = config
        self.environment = environment
    }

    struct Reference: Hashable, CustomStringConvertible {
        var section: String
        var key: String
        var description: String { "${\(section):\(key)}" }
    }

    /// Only a provider's `secret` starts secret; secrecy then spreads to whatever uses it.
    static func isSecret(section: String, key: String) -> Bool {
        key == "secret" && (section == "provider" || section.hasPrefix("provider:"))
    }

    /// Every value of every section, so that a bad reference is an error even in a key
    /// nothing else uses.
    mutating func resolveAll() throws(ConfigError) -> ResolvedConfig {
        var sections: [String: ResolvedSection] = [:]
        for name in config.sectionOrder {
            sections[name] = try resolve(section: name)
        }
        return ResolvedConfig(sectionOrder: config.sectionOrder, sections: sections)
    }

    /// One section only: `~/.silverlining.conf` may hold sections for other tools.
    mutating func resolve(section name: String) throws(ConfigError) -> ResolvedSection? {
        guard let section = config[name] else { return nil }
        var values: [String: ResolvedValue] = [:]
        for key in section.keyOrder {
            values[key] = try value(Reference(section: name, key: key), from: section.location)
        }
        return ResolvedSection(name: name, location: section.location, keyOrder: section.keyOrder, values: values)
    }

    private mutating func value(_ reference: Reference, from location: ConfigLocation) throws(ConfigError) -> ResolvedValue {
        if let done = resolved[reference] { return done }
        let referrer = inProgress.last
        if let start = inProgress.firstIndex(of: reference) {
            let chain = (inProgress[start...] + [reference]).map(\.description).joined(separator: " → ")
            throw ConfigError(location, section: referrer?.section, key: referrer?.key, "interpolation cycle: \(chain)",
                hint: "a value cannot refer to itself, directly or through others")
        }
        guard inProgress.count < Interpolator.maximumDepth else {
            throw ConfigError(location, section: referrer?.section, key: referrer?.key,
                "references are nested more than \(Interpolator.maximumDepth) deep")
        }
        guard let section = config[reference.section] else {
            throw ConfigError(location, section: referrer?.section, key: referrer?.key,
                "\(reference) refers to a section that does not exist",
                hint: DidYouMean.hint(for: reference.section, among: config.sectionOrder, listing: "sections"))
        }
        guard let raw = section[reference.key] else {
            throw ConfigError(location, section: referrer?.section, key: referrer?.key,
                "\(reference) refers to a key that [\(reference.section)] does not have",
                hint: DidYouMean.hint(for: reference.key, among: section.keyOrder, listing: "keys of [\(reference.section)]"))
        }
        inProgress.append(reference)
        defer { inProgress.removeLast() }
        var isSecret = Interpolator.isSecret(section: reference.section, key: reference.key)
        var lines: [ValueLine] = []
        var size = 0
        for line in raw.lines {
            let (text, secret) = try Interpolator.expand(line.text, at: line.location, section: reference.section, key: reference.key) {
                (target) throws(ConfigError) -> (String, Bool) in
                switch target {
                case .environment(let name):
                    return (try environmentValue(name, at: line.location, section: reference.section, key: reference.key), false)
                case .option(let otherSection, let otherKey):
                    let other = try value(Reference(section: otherSection.isEmpty ? reference.section : otherSection, key: otherKey),
                        from: line.location)
                    return (other.text, other.isSecret)
                }
            }
            isSecret = isSecret || secret
            size += text.utf8.count
            guard size <= Interpolator.maximumValueSize else {
                throw ConfigError(line.location, section: reference.section, key: reference.key,
                    "grows beyond \(Interpolator.maximumValueSize) bytes through interpolation")
            }
            for piece in text.split(separator: "\n") {
                let trimmed = piece.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty { lines.append(ValueLine(text: trimmed, location: line.location)) }
            }
        }
        let result = ResolvedValue(lines: lines, location: raw.location, isSecret: isSecret)
        resolved[reference] = result
        return result
    }

    private func environmentValue(_ name: String, at location: ConfigLocation, section: String, key: String) throws(ConfigError) -> String {
        if let value = environment[name] { return value }
        let hint = DidYouMean.suggestion(for: name, among: Array(environment.keys)).map { "did you mean ${\($0)}? " } ?? ""
        throw ConfigError(location, section: section, key: key, "environment variable \(name) is not set",
            hint: hint + "set it before running silver, or write $$ for a literal $")
    }

    /// What a `${...}` asks for.
    enum Target {
        case environment(String)
        case option(section: String, key: String)
    }

    /// Expands one line of text, asking `resolve` for each `${...}`; also reports whether
    /// any of what it inserted was secret.
    static func expand(
        _ text: String, at location: ConfigLocation, section: String?, key: String?,
        resolve: (Target) throws(ConfigError) -> (String, Bool)
    ) throws(ConfigError) -> (String, Bool) {
        guard text.contains("$") else { return (text, false) }
        var output = ""
        var isSecret = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            guard character == "$", next < text.endIndex, text[next] == "$" || text[next] == "{" else {
                output.append(character)
                index = next
                continue
            }
            if text[next] == "$" {
                output.append("$")
                index = text.index(after: next)
                continue
            }
            let start = text.index(after: next)
            guard let close = text[start...].firstIndex(of: "}") else {
                throw ConfigError(location, section: section, key: key, "\"${\" is not closed by \"}\"",
                    hint: "write $$ for a literal $")
            }
            let name = String(text[start..<close])
            let (inserted, secret) = try resolve(try target(name, at: location, section: section, key: key))
            output += inserted
            isSecret = isSecret || secret
            index = text.index(after: close)
        }
        return (output, isSecret)
    }

    private static func target(_ name: String, at location: ConfigLocation, section: String?, key: String?) throws(ConfigError) -> Target {
        if let colon = name.lastIndex(of: ":") {
            let otherKey = String(name[name.index(after: colon)...])
            guard !otherKey.isEmpty else {
                throw ConfigError(location, section: section, key: key, "${\(name)} names no key", hint: "write ${section:key}")
            }
            return .option(section: String(name[..<colon]), key: otherKey)
        }
        guard isEnvironmentName(name) else {
            throw ConfigError(location, section: section, key: key, "${\(name)} is neither an environment variable nor a ${section:key}",
                hint: "environment variable names are letters, digits and '_'")
        }
        return .environment(name)
    }

    static func isEnvironmentName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}
