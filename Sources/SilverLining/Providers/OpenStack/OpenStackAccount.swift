import Foundation

/// Who silver is at a Nova cloud and how it proves it, read from `[provider]`.
///
/// - `provider = rackspace`: `username` and the account's API key (`secret` or
///   `secret_file`), sent as `RAX-KSKEY:apiKeyCredentials` to Rackspace's identity service
///   (`endpoint`, by default `https://identity.api.rackspacecloud.com/v2.0/`).
/// - `provider = openstack`: `auth_url`, `username` and password (`secret`), scoped to
///   `project` in `domain` (default `Default`). An `auth_url` whose path ends in `/v2.0`
///   uses Keystone v2.0 password auth (`project` as the tenant name); any other uses v3,
///   appending `/v3` when the URL names no version.
public struct OpenStackAccount: Sendable, CustomStringConvertible {
    public enum Method: Sendable, Equatable {
        case rackspaceAPIKey
        case passwordV2(project: String?)
        case passwordV3(project: String?, domain: String)
    }

    public static let rackspaceIdentity = URL(string: "https://identity.api.rackspacecloud.com/v2.0/")!

    public var username: String
    public var secret: Secret
    public var method: Method
    /// The identity service's versioned base URL (`.../v2.0/` or `.../v3/`).
    public var identityURL: URL

    public init(username: String, secret: Secret, method: Method, identityURL: URL) {
        self.username = username
        self.secret = secret
        self.method = method
        self.identityURL = identityURL
    }

    /// `kind` is `rackspace` or `openstack`.
    public init(kind: String, settings: ProviderSettings) throws {
        let kindName = kind == "rackspace" ? "Rackspace" : "OpenStack"
        guard let username = settings.username else {
            throw NovaError.missingSetting(
                setting: "[provider] username", why: "the \(kindName) account to sign in as")
        }
        guard let secret = try settings.resolvedSecret() else {
            throw NovaError.missingSetting(
                setting: "[provider] secret (or secret_file)",
                why: kind == "rackspace" ? "the account's API key" : "the account's password")
        }
        self.username = username
        self.secret = secret
        let values = settings.settings
        if kind == "rackspace" {
            method = .rackspaceAPIKey
            identityURL = try values["endpoint"].map { try Self.url($0, setting: "[provider] endpoint") } ?? Self.rackspaceIdentity
            return
        }
        guard let authURL = values["auth_url"] else {
            throw NovaError.missingSetting(
                setting: "[provider] auth_url", why: "the cloud's identity (Keystone) URL, e.g. https://keystone.example.com:5000/v3")
        }
        let url = try Self.url(authURL, setting: "[provider] auth_url")
        let path = url.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if path.hasSuffix("v2.0") {
            method = .passwordV2(project: values["project"])
            identityURL = url
        } else {
            method = .passwordV3(project: values["project"], domain: values["domain"] ?? "Default")
            identityURL = path.hasSuffix("v3") ? url : url.appendingPathComponent("v3")
        }
    }

    static func url(_ text: String, setting: String) throws -> URL {
        guard let url = URL(string: text.trimmingCharacters(in: .whitespaces)), let scheme = url.scheme?.lowercased(),
            ["http", "https"].contains(scheme), url.host?.isEmpty == false
        else {
            throw NovaError.badSetting(setting: setting, problem: "\"\(text)\" is not an http:// or https:// URL")
        }
        return url
    }

    /// Where the token request goes.
    public var tokensURL: URL {
        switch method {
        case .rackspaceAPIKey, .passwordV2: identityURL.appendingPathComponent("tokens")
        case .passwordV3: identityURL.appendingPathComponent("auth").appendingPathComponent("tokens")
        }
    }

    /// The token request's JSON body. It holds the secret: it goes to the identity service
    /// and nowhere else.
    public func tokenRequestBody() -> Data {
        let body: [String: Any]
        switch method {
        case .rackspaceAPIKey:
            body = ["auth": ["RAX-KSKEY:apiKeyCredentials": ["username": username, "apiKey": secret.reveal()]]]
        case .passwordV2(let project):
            var auth: [String: Any] = ["passwordCredentials": ["username": username, "password": secret.reveal()]]
            if let project { auth["tenantName"] = project }
            body = ["auth": auth]
        case .passwordV3(let project, let domain):
            var auth: [String: Any] = [
                "identity": [
                    "methods": ["password"],
                    "password": ["user": ["name": username, "domain": ["name": domain], "password": secret.reveal()]],
                ]
            ]
            if let project { auth["scope"] = ["project": ["name": project, "domain": ["name": domain]]] }
            body = ["auth": auth]
        }
        return (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
    }

    /// `account foobar at https://identity.../v2.0/`, for messages; never the secret.
    public var description: String {
        "account \(username) at \(identityURL.absoluteString)"
    }

    /// Removes the secret from text a server sent back (some echo the request).
    public func redact(_ text: String) -> String {
        let secret = secret.reveal()
        return secret.isEmpty ? text : text.replacingOccurrences(of: secret, with: Secret.mask)
    }
}
