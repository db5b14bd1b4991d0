import ArgumentParser
import SilverLining

struct ListSizes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-sizes",
        abstract: "List the instance types a nodeset's `size =` can name, smallest then cheapest first.")

    @OptionGroup var provider: ProviderOptions

    @Option(help: "Only types that run this architecture (x86_64, arm64); default: all.")
    var architecture: String?

    func run() async throws {
        let ec2 = try provider.ec2Provider()
        let catalog = try await ec2.listSizes(architecture: architecture)
        print(EC2Listing.render(sizes: catalog, region: ec2.client.region), terminator: "")
    }
}
