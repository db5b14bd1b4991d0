import ArgumentParser
import Foundation
import SilverLining

/// Where a command that only talks to the provider (list-sizes, list-images) finds it: the
/// nodeset's `[provider]` section, with command-line options on top.
struct ProviderOptions: ParsableArguments {
    @Argument(help: "The nodeset file (NAME.conf) whose [provider] section says where to look.")
    var nodeset: String?

    @Option(help: "The AWS region (default: the nodeset's [provider] region, then AWS_REGION).")
    var region: String?

    @Option(help: "An EC2-compatible endpoint URL to use instead of AWS's (default: the region's).")
    var endpoint: String?

    @Option(help: "The profile in ~/.aws/credentials (default: [provider] profile, then AWS_PROFILE).")
    var profile: String?

    /// The provider settings to use: the nodeset's, then these options.
    func providerSettings() throws -> ProviderSettings {
        var settings = try NodesetProviderSettings.load(nodeset)
        if let region { settings.settings["region"] = region }
        if let endpoint { settings.settings["endpoint"] = endpoint }
        if let profile { settings.settings["profile"] = profile }
        return settings
    }

    /// The EC2 provider those settings describe; other providers have no sizes or images to list.
    func ec2Provider() throws -> EC2Provider {
        let settings = try providerSettings()
        guard settings.kind == "ec2" else {
            throw ValidationError("this lists EC2 instance types and images, but the nodeset's provider is \(settings.kind)")
        }
        return try EC2Provider(settings: settings)
    }
}

/// Reads a nodeset's `[provider]` section; without a nodeset, EC2 as the options and the
/// AWS environment describe it.
enum NodesetProviderSettings {
    static func load(_ nodeset: String?) throws -> ProviderSettings {
        guard let nodeset else { return ProviderSettings(kind: "ec2") }
        return try NodesetLoader.load(path: nodeset).provider
    }
}
