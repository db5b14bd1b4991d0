import ArgumentParser
import Foundation
import SilverLining

/// Where a command that only talks to the provider (list-sizes, list-images) finds it: the
/// nodeset's `[provider]` section, with command-line options on top.
struct ProviderOptions: ParsableArguments {
    @Argument(help: "The nodeset file (NAME.conf) whose [provider] section says where to look.")
    var nodeset: String?

    @Option(help: "The region (default: the nodeset's [provider] region, then AWS_REGION for EC2 or the account's default region).")
    var region: String?

    @Option(help: "An EC2-compatible endpoint URL, or Rackspace's identity URL (default: the provider's own).")
    var endpoint: String?

    @Option(help: "The profile in ~/.aws/credentials, for EC2 (default: [provider] profile, then AWS_PROFILE).")
    var profile: String?

    /// The provider settings to use: the nodeset's, then these options.
    func providerSettings() throws -> ProviderSettings {
        var settings = try NodesetProviderSettings.load(nodeset)
        if let region { settings.settings["region"] = region }
        if let endpoint { settings.settings["endpoint"] = endpoint }
        if let profile { settings.settings["profile"] = profile }
        return settings
    }

    /// The cloud provider those settings describe; other providers have no sizes or images to list.
    func cloudProvider() throws -> CloudListing {
        let settings = try providerSettings()
        switch settings.kind {
        case "ec2": return .ec2(try EC2Provider(settings: settings))
        case "rackspace", "openstack": return .nova(try NovaProvider(settings: settings))
        default:
            throw ValidationError(
                "this lists a cloud's sizes and images (ec2, rackspace, openstack), but the nodeset's provider is \(settings.kind)")
        }
    }
}

enum CloudListing {
    case ec2(EC2Provider)
    case nova(NovaProvider)
}

/// Reads a nodeset's `[provider]` section; without a nodeset, EC2 as the options and the
/// AWS environment describe it.
enum NodesetProviderSettings {
    static func load(_ nodeset: String?) throws -> ProviderSettings {
        guard let nodeset else { return ProviderSettings(kind: "ec2") }
        return try NodesetLoader.load(path: nodeset).provider
    }
}
