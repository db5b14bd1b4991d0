/// Fills `{{n}}`, `{{name}}`, `{{role}}` and `{{base_domain}}` for one node, in
/// `node_name` and `image`. Spaces inside the braces are allowed: `{{ n }}`.
enum NodeTemplate {
    static let names = ["n", "name", "role", "base_domain"]

    /// `values` holds what this node knows; `unavailable` says why a known name has no
    /// value here (no base_domain; `{{name}}` inside node_name itself).
    static func fill(
        _ text: String, values: [String: String], unavailable: [String: String], reader: SectionReader, key: String,
        at location: ConfigLocation
    ) throws(ConfigError) -> String {
        guard text.contains("{{") else { return text }
        var output = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw reader.error(key, "\"{{\" is not closed by \"}}\"", at: location)
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if let value = values[name] {
                output += value
            } else if let reason = unavailable[name] {
                throw reader.error(key, "{{\(name)}} cannot be filled: \(reason)", at: location)
            } else {
                throw reader.error(key, "unknown placeholder {{\(name)}}", hint: DidYouMean.hint(for: name, among: names, listing: "placeholders"),
                    at: location)
            }
            rest = rest[close.upperBound...]
        }
        return output + rest
    }
}
