import Foundation

/// Builds the nodeset's `ProviderSettings` from its `[provider]` section and, when that
/// section has `name = NAME`, the `[provider:NAME]` section of `~/.silverlining.conf`.
/// Keys written in the nodeset win over the looked-up ones.
enum ProviderResolver {
    /// Keys passed through to the provider as written: EC2's `region`, `endpoint`, `image`,
    /// `image_owner` and `profile`; OpenStack's `auth_url`, `project` and `domain`; `ssh_key`
    /// and `user` for servers reached with an existing key pair (`provider = static`);
    /// `ssh_wait` (a boolean, checked here) for cloud API emulators.
    static let settingKeys = [
        "region", "endpoint", "image", "image_owner", "profile", "auth_url", "project", "domain", "ssh_key", "user", "ssh_wait",
    ]

    static func resolve(
        _ config: ResolvedConfig, file: String, environment: [String: String], warnings: inout [String]
    ) throws(ConfigError) -> ProviderSettings {
        let inline = SectionReader("provider", in: config, fallback: ConfigLocation(file: file, line: nil))
        let name = try inline.nonEmptyString("name")
        var account: SectionReader?
        if let name {
            guard ValueSyntax.isSafeIdentifier(name, also: ".") else {
                throw inline.invalid("name", "must be the NAME of a [provider:NAME] section", got: name)
            }
            account = try UserConfig.providerSection(named: name, environment: environment)
            if account == nil {
                let path = UserConfig.path(environment: environment)
                let hasInlineSettings = inline.section?.keyOrder.contains { $0 != "name" } ?? false
                guard hasInlineSettings else {
                    throw inline.error("name", "there is no [provider:\(name)] section in \(path)",
                        hint: "add that section there, or write provider, username and secret in [provider]")
                }
                warnings.append(Diagnostic.warning(inline.location(of: "name"), section: "provider", key: "name",
                    "there is no [provider:\(name)] section in \(path); using the settings given here"))
            }
        }
        /// The reader that holds a key: the nodeset's own first.
        func source(_ key: String) -> SectionReader? {
            if inline.has(key) { return inline }
            if let account, account.has(key) { return account }
            return nil
        }

        var settings = ProviderSettings(name: account == nil ? nil : name)
        if let reader = source("provider"), let kind = try reader.nonEmptyString("provider") {
            guard ValueSyntax.isSafeIdentifier(kind), kind == kind.lowercased() else {
                throw reader.invalid("provider", "must be a provider kind such as \(ProviderSettings.supportedKinds.joined(separator: ", "))", got: kind)
            }
            settings.kind = kind
            settings.kindLocation = reader.location(of: "provider")
            if !ProviderSettings.supportedKinds.contains(kind) {
                warnings.append(Diagnostic.warning(reader.location(of: "provider"), section: reader.name, key: "provider",
                    "\"\(kind)\" is not supported yet (supported: \(ProviderSettings.supportedKinds.joined(separator: ", "))); create-node will refuse this nodeset"))
            }
        }
        if let reader = source("username") { settings.username = try reader.nonEmptyString("username") }
        if let reader = source("secret") {
            guard let text = try reader.string("secret", allowSecret: true), !text.isEmpty else {
                throw reader.error("secret", "is empty", hint: "give the secret, or use secret_file")
            }
            settings.secret = Secret(text)
        }
        if let reader = source("secret_file"), let path = try reader.nonEmptyString("secret_file") {
            // Relative to the file that names it, like extends; read only when a provider needs it.
            settings.secretFile = ExtendsLoader.path(path, relativeTo: reader.location(of: "secret_file").file)
        }
        if settings.secret != nil, settings.secretFile != nil, let reader = source("secret_file") {
            warnings.append(Diagnostic.warning(reader.location(of: "secret_file"), section: reader.name, key: "secret_file",
                "both secret and secret_file are given; secret is used"))
        }
        for key in settingKeys {
            if let reader = source(key), let value = try reader.nonEmptyString(key) { settings.settings[key] = value }
        }
        if let reader = source("ssh_wait"), let wait = try reader.bool("ssh_wait") {
            settings.settings["ssh_wait"] = wait ? "true" : "false"
        }
        return settings
    }
}

extension ProviderSettings {
    /// The kinds of provider silver can make nodes with.
    public static let supportedKinds = ["local", "static", "ec2", "rackspace", "openstack"]
}

extension Nodeset {
    /// Refuses a provider kind silver cannot make nodes with. Loading a nodeset accepts any
    /// kind (with a warning) so that `silver show` works on a file written for another
    /// version; commands that make or reach nodes call this first.
    public func validateProvider() throws(ConfigError) {
        guard !ProviderSettings.supportedKinds.contains(provider.kind) else { return }
        throw ConfigError(provider.kindLocation ?? ConfigLocation(file: file, line: nil), section: "provider", key: "provider",
            "\"\(provider.kind)\" is not supported yet",
            hint: "supported providers: " + ProviderSettings.supportedKinds.joined(separator: ", "))
    }
}
