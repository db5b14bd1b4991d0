import Foundation

/// The nodeset's `[provider]` section, after a `name =` has been looked up in
/// `~/.silverlining.conf`.
public struct ProviderSettings: Sendable, Encodable {
    /// Which provider: `local` (the default), `static`, `ec2`, ...
    public var kind: String
    /// The `[provider:NAME]` section of `~/.silverlining.conf` this came from, if any.
    public var name: String?
    public var username: String?
    public var secret: Secret?
    /// A file whose contents are the secret; read only when a provider needs it.
    public var secretFile: String?
    /// Every other key of the section (`region`, `endpoint`, `image`, ...), as written.
    public var settings: [String: String]
    /// Where the kind was given (the `provider =` line), so an unsupported kind is reported
    /// there; nil when it defaulted to `local`.
    public var kindLocation: ConfigLocation?

    public init(
        kind: String = "local", name: String? = nil, username: String? = nil, secret: Secret? = nil,
        secretFile: String? = nil, settings: [String: String] = [:], kindLocation: ConfigLocation? = nil
    ) {
        self.kind = kind
        self.name = name
        self.username = username
        self.secret = secret
        self.secretFile = secretFile
        self.settings = settings
        self.kindLocation = kindLocation
    }

    /// Where the kind was given is for error messages, not for output.
    private enum CodingKeys: String, CodingKey {
        case kind, name, username, secret, secretFile, settings
    }

    /// The secret, from `secret` or else the contents of `secret_file` (trailing newline removed).
    public func resolvedSecret() throws -> Secret? {
        if let secret { return secret }
        guard let secretFile else { return nil }
        do {
            let text = try String(contentsOfFile: secretFile, encoding: .utf8)
            return Secret(text.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw ProviderSettingsError.unreadableSecretFile(secretFile)
        }
    }
}

public enum ProviderSettingsError: Error, CustomStringConvertible {
    case unreadableSecretFile(String)

    public var description: String {
        switch self {
        case .unreadableSecretFile(let path):
            "cannot read secret_file \(path): check that it exists and is readable by this user"
        }
    }
}
