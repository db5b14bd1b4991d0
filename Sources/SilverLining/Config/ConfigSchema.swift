/// Whether a key holds one value or a list. Only lists take `+=` and `-=`.
enum ValueShape: Sendable {
    case single
    case list
}

/// The keys a section accepts.
struct SectionSchema: Sendable {
    var keys: [String: ValueShape]
    /// Key families such as app.ini's `service.NAME` and `env.NAME`.
    var prefixes: [String] = []
    /// `[vars]` holds whatever the user wants to refer to with `${vars:key}`.
    var anyKey = false

    func shape(of key: String) -> ValueShape? {
        if anyKey { return .single }
        if let shape = keys[key] { return shape }
        if prefixes.contains(where: { key.hasPrefix($0) && key.count > $0.count }) { return .single }
        return nil
    }

    /// Every key, with families written as `service.NAME`, for error hints.
    var keyNames: [String] {
        keys.keys.sorted() + prefixes.map { $0 + "NAME" }
    }
}

/// Which sections and keys a kind of file accepts; anything else is an error with a
/// suggestion, because a misspelt key silently ignored is a nodeset that does the wrong thing.
struct ConfigSchema: Sendable {
    var sections: [String: SectionSchema]
    /// `service:NAME` sections, checked against the services that run on their own nodes.
    var acceptsServiceSections = false

    static let providerKeys: [String: ValueShape] = Dictionary(
        uniqueKeysWithValues: (["name", "provider", "username", "secret", "secret_file"] + ProviderResolver.settingKeys)
            .map { ($0, ValueShape.single) })

    static let nodeset = ConfigSchema(
        sections: [
            "general": SectionSchema(keys: ["name": .single, "base_domain": .single, "set_etc_hosts": .single, "extends": .list]),
            "provider": SectionSchema(keys: providerKeys),
            "appserver": SectionSchema(keys: [
                "locations": .list, "nodes": .single, "size": .single, "node_name": .single,
                "load_balancer": .single, "hosts": .list, "image": .single,
            ]),
            "balancer": SectionSchema(keys: [
                "node_name": .single, "hostnames": .list, "size": .single, "hosts": .list, "image": .single,
            ]),
            "vars": SectionSchema(keys: [:], anyKey: true),
        ],
        acceptsServiceSections: true
    )

    static let serviceSection = SectionSchema(keys: [
        "nodes": .single, "node_name": .single, "size": .single, "hosts": .list, "image": .single,
    ])

    static let app = ConfigSchema(sections: [
        "production": SectionSchema(
            keys: [
                "app_name": .single, "runner": .single, "command": .single, "update_fetch": .list,
                "packages": .list, "default_location": .single, "health_check": .single, "static": .single,
                // Silver Lining's keys (silversupport/appconfig.py), old names included.
                "platform": .single, "php_root": .single, "package_install_script": .list, "after_install_script": .list,
                "config.required": .single, "config.checker": .single, "config.default": .single, "config.template": .single,
                "version": .single, "default_host": .single, "default_hostname": .single,
                "update_fetch_everywhere": .single,
            ],
            prefixes: ["service.", "env."]
        )
    ])

    /// Services that run on nodes of their own, i.e. may have a `[service:NAME]` section.
    static var nodeServices: [String] {
        ServiceKind.allCases.filter(\.isDatabase).map(\.rawValue)
    }

    func schema(for section: String) -> SectionSchema? {
        if let known = sections[section] { return known }
        if acceptsServiceSections, section.hasPrefix("service:") { return ConfigSchema.serviceSection }
        return nil
    }

    /// Every section and key of the document is one this kind of file accepts, and `+=`
    /// or `-=` are used only on lists.
    func validate(_ document: IniDocument, fileKind: String) throws(ConfigError) {
        for section in document.sections {
            let schema = try check(section, fileKind: fileKind)
            for entry in section.entries {
                guard let shape = schema.shape(of: entry.key) else {
                    throw ConfigError(entry.location, section: section.name, key: entry.key, "unknown key",
                        hint: unknownKeyHint(entry.key, in: schema))
                }
                if entry.op != .set, shape == .single {
                    throw ConfigError(entry.location, section: section.name, key: entry.key,
                        "\(entry.op.rawValue) works on list values only; use \"=\"",
                        hint: "list keys: " + schema.keys.filter { $0.value == .list }.keys.sorted().joined(separator: ", "))
                }
            }
        }
    }

    private func check(_ section: IniSection, fileKind: String) throws(ConfigError) -> SectionSchema {
        let name = section.name
        if acceptsServiceSections, name.hasPrefix("service:") {
            let service = String(name.dropFirst("service:".count))
            guard ConfigSchema.nodeServices.contains(service) else {
                let onAppServers = ServiceKind(rawValue: service) != nil
                throw ConfigError(section.location, section: name,
                    onAppServers ? "the \(service) service lives on each app server, not on nodes of its own"
                        : "unknown service \"\(service)\"",
                    hint: DidYouMean.hint(for: service, among: ConfigSchema.nodeServices, listing: "services with their own nodes"))
            }
        }
        if let schema = schema(for: name) { return schema }
        var known = Array(sections.keys)
        if acceptsServiceSections { known += ConfigSchema.nodeServices.map { "service:" + $0 } }
        let hint = name.hasPrefix("provider:")
            ? "[provider:NAME] sections belong in ~/.silverlining.conf; here write [provider] with name = \(name.dropFirst("provider:".count))"
            : DidYouMean.hint(for: name, among: known, listing: "sections of a \(fileKind)")
        throw ConfigError(section.location, section: name, "unknown section", hint: hint)
    }

    private func unknownKeyHint(_ key: String, in schema: SectionSchema) -> String {
        // `services.mysql` is closer to `service.mysql` than to the literal `service.NAME`.
        var candidates = schema.keys.keys.sorted()
        if let dot = key.firstIndex(of: ".") {
            candidates += schema.prefixes.map { $0 + key[key.index(after: dot)...] }
        }
        let list = "keys: " + schema.keyNames.joined(separator: ", ")
        guard let match = DidYouMean.suggestion(for: key, among: candidates) else { return list }
        return "did you mean \"\(match)\"? \(list)"
    }
}
