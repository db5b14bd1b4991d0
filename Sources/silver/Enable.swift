import ArgumentParser

struct Enable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "End an app's maintenance (silver disable): serve its visitors again.")

    @OptionGroup var selection: AppSelection

    func run() async throws {
        try await selection.setDisabled(false)
    }
}
