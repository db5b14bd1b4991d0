import Foundation

/// An AWS access key and where it came from. The secret key and session token are `Secret`s,
/// so printing credentials (or an error carrying them) shows only the access key id.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: Secret
    public var sessionToken: Secret?
    /// Where these came from, in the user's words, for error messages: `[provider] username
    /// and secret`, `AWS_ACCESS_KEY_ID in the environment`, `profile "x" in ~/.aws/credentials`.
    public var source: String

    public init(accessKeyID: String, secretAccessKey: Secret, sessionToken: Secret? = nil, source: String) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.source = source
    }

    public var description: String {
        "access key \(accessKeyID) from \(source)"
    }

    /// `text` with the secret key and session token masked, for messages that echo what was
    /// sent (AWS's SignatureDoesNotMatch quotes the canonical request, token included).
    public func redact(_ text: String) -> String {
        var result = text
        for secret in [secretAccessKey.reveal(), sessionToken?.reveal()].compactMap({ $0 }) where !secret.isEmpty {
            result = result.replacingOccurrences(of: secret, with: Secret.mask)
        }
        return result
    }
}

/// Finds the credentials and region for the EC2 provider, in this order:
/// 1. `[provider] username` and `secret` or `secret_file` (access key id and secret key);
/// 2. `[provider] profile` in the shared credentials file;
/// 3. `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`;
/// 4. `AWS_PROFILE` (or `default`) in the shared credentials file, which is
///    `AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/credentials`.
/// A profile named in the nodeset wins over the environment because it is the more explicit
/// choice, as `--profile` does for the AWS CLI.
public struct AWSCredentialResolver: Sendable {
    public var settings: ProviderSettings
    public var environment: [String: String]

    public init(settings: ProviderSettings, environment: [String: String]) {
        self.settings = settings
        self.environment = environment
    }

    public var profileName: String {
        nonEmpty(settings.settings["profile"]) ?? nonEmpty(environment["AWS_PROFILE"]) ?? "default"
    }

    public var credentialsFile: String {
        nonEmpty(environment["AWS_SHARED_CREDENTIALS_FILE"]) ?? home + "/.aws/credentials"
    }

    public var configFile: String {
        nonEmpty(environment["AWS_CONFIG_FILE"]) ?? home + "/.aws/config"
    }

    private var home: String {
        nonEmpty(environment["HOME"]) ?? NSHomeDirectory()
    }

    public func credentials() throws -> AWSCredentials {
        if let username = nonEmpty(settings.username) {
            let secret: Secret?
            do {
                secret = try settings.resolvedSecret()
            } catch {
                throw EC2Error.badSetting(setting: "[provider] secret_file", problem: String(describing: error))
            }
            guard let secret, !secret.reveal().isEmpty else {
                throw EC2Error.badSetting(
                    setting: "[provider] username",
                    problem: "is set, but neither secret nor secret_file gives the secret access key to go with it")
            }
            let source = settings.secret != nil ? "[provider] username and secret" : "[provider] username and secret_file"
            return AWSCredentials(accessKeyID: username, secretAccessKey: secret, source: source)
        }
        if let profile = nonEmpty(settings.settings["profile"]) {
            return try fromProfile(profile, source: "[provider] profile")
        }
        if let key = nonEmpty(environment["AWS_ACCESS_KEY_ID"]) {
            guard let secret = nonEmpty(environment["AWS_SECRET_ACCESS_KEY"]) else {
                throw EC2Error.badSetting(
                    setting: "AWS_ACCESS_KEY_ID", problem: "is set in the environment, but AWS_SECRET_ACCESS_KEY is not")
            }
            return AWSCredentials(
                accessKeyID: key, secretAccessKey: Secret(secret),
                sessionToken: nonEmpty(environment["AWS_SESSION_TOKEN"]).map(Secret.init),
                source: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment")
        }
        let source = nonEmpty(environment["AWS_PROFILE"]) != nil ? "AWS_PROFILE" : "the default profile"
        return try fromProfile(profileName, source: source)
    }

    private func fromProfile(_ profile: String, source: String) throws -> AWSCredentials {
        let sections = SharedConfigFile.read(credentialsFile) ?? [:]
        guard let values = sections[profile], let key = nonEmpty(values["aws_access_key_id"]),
            let secret = nonEmpty(values["aws_secret_access_key"])
        else {
            throw EC2Error.noCredentials(profile: profile, file: credentialsFile, via: source)
        }
        return AWSCredentials(
            accessKeyID: key, secretAccessKey: Secret(secret),
            sessionToken: nonEmpty(values["aws_session_token"]).map(Secret.init),
            source: "profile \"\(profile)\" in \(credentialsFile)")
    }

    /// `[provider] region`, else `AWS_REGION`, `AWS_DEFAULT_REGION`, else the profile's
    /// `region` in the shared config file.
    public func region() throws -> String {
        let given = nonEmpty(settings.settings["region"]) ?? nonEmpty(environment["AWS_REGION"])
            ?? nonEmpty(environment["AWS_DEFAULT_REGION"]) ?? profileRegion()
        guard let region = given else { throw EC2Error.missingRegion }
        guard AWSRegion.isWellFormed(region) else { throw EC2Error.unknownRegion(region) }
        return region
    }

    private func profileRegion() -> String? {
        guard let sections = SharedConfigFile.read(configFile) else { return nil }
        let section = profileName == "default" ? "default" : "profile \(profileName)"
        return nonEmpty(sections[section]?["region"])
    }

    private func nonEmpty(_ value: String?) -> String? {
        guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }
}

/// The INI dialect of `~/.aws/credentials` and `~/.aws/config`: `[section]`, `key = value`,
/// `#` and `;` comment lines. Nested (indented) sub-sections are not needed for keys.
enum SharedConfigFile {
    static func read(_ path: String) -> [String: [String: String]]? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return parse(text)
    }

    static func parse(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                current = name
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            guard let current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            sections[current]?[key] = value
        }
        return sections
    }
}

public enum AWSRegion {
    /// `us-east-1`, `ap-southeast-3`, `us-gov-west-1`: letters, hyphenated words, a number.
    /// Whether such a region exists is for AWS to say (its endpoint does not resolve if not).
    public static func isWellFormed(_ region: String) -> Bool {
        let parts = region.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let last = parts.last, last.allSatisfy(\.isASCII), Int(last) != nil else { return false }
        return parts.dropLast().allSatisfy { part in !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isLowercase } }
    }

    /// The public EC2 endpoint of a region.
    public static func endpoint(for region: String) -> URL {
        let domain = region.hasPrefix("cn-") ? "amazonaws.com.cn" : "amazonaws.com"
        return URL(string: "https://ec2.\(region).\(domain)/")!
    }
}
