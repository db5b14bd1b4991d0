/// Reads typed values out of one resolved section, turning every bad value into an error
/// that names the file, line, section and key.
struct SectionReader {
    let name: String
    let section: ResolvedSection?
    /// Where to point when the section is absent.
    let fallback: ConfigLocation

    /// Whether `{{...}}` outside node_name and image is an error: in nodesets, where it
    /// would otherwise stay unfilled; app.ini has no per-node values.
    let refusesNodeTemplates: Bool

    init(_ name: String, in config: ResolvedConfig, fallback: ConfigLocation, refusesNodeTemplates: Bool = true) {
        self.name = name
        self.section = config[name]
        self.fallback = fallback
        self.refusesNodeTemplates = refusesNodeTemplates
    }

    var exists: Bool { section != nil }
    var location: ConfigLocation { section?.location ?? fallback }

    func has(_ key: String) -> Bool { section?[key] != nil }

    func location(of key: String) -> ConfigLocation { section?[key]?.location ?? location }

    func error(_ key: String?, _ message: String, hint: String? = nil, at place: ConfigLocation? = nil) -> ConfigError {
        ConfigError(place ?? key.map(location(of:)) ?? location, section: name, key: key, message, hint: hint)
    }

    /// A value that does not fit its key: `must be ..., got "x"`. A `#` in the value is
    /// most likely a comment the user meant, so the hint says where comments go.
    func invalid(_ key: String, _ expectation: String, got text: String, hint: String? = nil, at place: ConfigLocation? = nil) -> ConfigError {
        let commentHint = text.contains(" #") || text.contains(" ;")
            ? "comments go on their own line; a # after a value is part of the value" : nil
        return error(key, "\(expectation), got \(ValueSyntax.quoted(text))", hint: hint ?? commentHint, at: place)
    }

    /// The value's lines, refusing text taken from a secret (only `secret` may hold one)
    /// and `{{...}}` outside the keys that are filled per node.
    func lines(_ key: String, allowSecret: Bool = false, allowNodeTemplates: Bool = false) throws(ConfigError) -> [ValueLine]? {
        guard let value = section?[key] else { return nil }
        if value.isSecret && !allowSecret {
            throw error(key, "takes its text from a secret; only a provider's secret may",
                hint: "secrets are never printed, so they cannot be used in other values")
        }
        if refusesNodeTemplates, !allowNodeTemplates, let line = value.lines.first(where: { $0.text.contains("{{") }) {
            throw error(key, "{{...}} is filled per node only in node_name and image", at: line.location)
        }
        return value.lines
    }

    /// A one-line value; nil when the key is absent, "" when it is empty.
    func string(_ key: String, allowSecret: Bool = false, allowNodeTemplates: Bool = false) throws(ConfigError) -> String? {
        guard let lines = try lines(key, allowSecret: allowSecret, allowNodeTemplates: allowNodeTemplates) else { return nil }
        guard lines.count <= 1 else {
            throw error(key, "takes one value, but it has \(lines.count) lines", at: lines[1].location)
        }
        return lines.first?.text ?? ""
    }

    /// Like `string`, but an empty value is an error: `key =` with nothing after it is
    /// almost always unfinished.
    func nonEmptyString(_ key: String, allowNodeTemplates: Bool = false) throws(ConfigError) -> String? {
        guard let text = try string(key, allowNodeTemplates: allowNodeTemplates) else { return nil }
        guard !text.isEmpty else { throw error(key, "is empty", hint: "give a value or remove the line") }
        return text
    }

    func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let text = try string(key) else { return nil }
        guard let value = ValueSyntax.bool(text) else {
            throw invalid(key, "must be true or false (also yes/no, on/off, 1/0)", got: text)
        }
        return value
    }

    func positiveInt(_ key: String, maximum: Int) throws(ConfigError) -> Int? {
        guard let text = try string(key) else { return nil }
        guard let number = ValueSyntax.positiveInt(text, maximum: maximum) else {
            let hint = Int(text).map { $0 > maximum ? "at most \(maximum)" : nil } ?? nil
            throw invalid(key, "must be a positive whole number", got: text, hint: hint)
        }
        return number
    }

    func size(_ key: String) throws(ConfigError) -> NodeSize? {
        guard let text = try string(key) else { return nil }
        guard let size = ValueSyntax.size(text) else {
            throw invalid(key, "must be \"id ID\" or \"ram AMOUNT\"", got: text, hint: "for example: size = id 1, size = ram 256MB, size = ram 2GB")
        }
        return size
    }

    /// Every whitespace-separated word of every line, each with its own line.
    func words(_ key: String) throws(ConfigError) -> [(String, ConfigLocation)]? {
        guard let lines = try lines(key) else { return nil }
        return lines.flatMap { line in line.text.split(whereSeparator: \.isWhitespace).map { (String($0), line.location) } }
    }
}
