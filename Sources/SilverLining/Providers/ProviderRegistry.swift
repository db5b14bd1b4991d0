import Foundation

/// Chooses the provider a nodeset's `[provider] provider =` names.
public enum ProviderRegistry {
    public static let supported = ["local", "static", "ec2"]

    /// The provider for `settings`. `makeBuiltIn` makes the providers that need nothing from
    /// the settings (`local`, `static`); a kind it does not make, or one silver does not
    /// know (the note's `rackspace`), is `ProviderError.unsupported`, which lists the
    /// supported kinds.
    public static func provider(
        for settings: ProviderSettings, environment: [String: String] = ProcessInfo.processInfo.environment,
        makeBuiltIn: (String) -> (any Provider)? = { _ in nil }
    ) throws -> any Provider {
        let kind = settings.kind.trimmingCharacters(in: .whitespaces).lowercased()
        switch kind {
        case "ec2":
            return try EC2Provider(settings: settings, environment: environment)
        case "local", "static":
            if let provider = makeBuiltIn(kind) { return provider }
            throw ProviderError.unsupported(kind: settings.kind, supported: supported)
        default:
            throw ProviderError.unsupported(kind: settings.kind, supported: supported)
        }
    }
}
