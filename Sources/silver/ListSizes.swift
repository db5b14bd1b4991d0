import ArgumentParser
import SilverLining

struct ListSizes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-sizes",
        abstract: "List the sizes (EC2 instance types, Nova flavors) a nodeset's `size =` can name, smallest first.")

    @OptionGroup var provider: ProviderOptions

    @Option(help: "Only EC2 types that run this architecture (x86_64, arm64); default: all.")
    var architecture: String?

    func run() async throws {
        try await runCommand {
            switch try provider.cloudProvider() {
            case .ec2(let ec2):
                let catalog = try await ec2.listSizes(architecture: architecture)
                print(EC2Listing.render(sizes: catalog, region: ec2.client.region), terminator: "")
            case .nova(let nova):
                print(NovaListing.render(flavors: try await nova.flavors(), region: try await nova.client.region()), terminator: "")
            }
        }
    }
}
