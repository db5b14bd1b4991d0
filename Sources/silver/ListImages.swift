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
        try await runCommand {
            switch try provider.cloudProvider() {
            case .ec2(let ec2):
                print(EC2Listing.render(images: try await ec2.listImages(namePattern: name)), terminator: "")
            case .nova(let nova):
                print(NovaListing.render(images: try await nova.listImages(pattern: name)), terminator: "")
            }
        }
    }
}
