import ArgumentParser
import SilverLining

struct ListImages: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-images",
        abstract: "List the machine images a nodeset's `image =` matches, newest first.")

    @OptionGroup var provider: ProviderOptions

    @Option(help: "A name pattern with * and ? wildcards (default: the nodeset's image, else Debian 12).")
    var name: String?

    func run() async throws {
        let ec2 = try provider.ec2Provider()
        print(EC2Listing.render(images: try await ec2.listImages(namePattern: name)), terminator: "")
    }
}
