import Foundation

/// Chooses the provider a nodeset's `[provider] provider =` names.
public enum ProviderRegistry {
    public static let supported = ProviderSettings.supportedKinds

    /// The provider for `settings`; a kind silver does not know is
    /// `ProviderError.unsupported`, which lists the supported kinds.
    public static func provider(
        for settings: ProviderSettings, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> any Provider {
        switch settings.kind.trimmingCharacters(in: .whitespaces).lowercased() {
        case "local": return LocalProvider(environment: environment)
        case "static": return StaticProvider()
        case "ec2": return try EC2Provider(settings: settings, environment: environment)
        case "rackspace", "openstack": return try NovaProvider(settings: settings)
        default: throw ProviderError.unsupported(kind: settings.kind, supported: supported)
        }
    }
}
