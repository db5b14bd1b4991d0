import ArgumentParser
import SilverLining

struct Deactivate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop serving locations: they answer 404 (Silver Lining's not-found page); instances stay in place.",
        discussion: """
            Every app server stops routing the locations; the app keeps running and its other \
            locations keep serving. prev.HOST at the same path stops too, unless --keep-prev, \
            until the next update. `silver activate NODESET LOCATION` serves a location again.
            """)

    @Argument(help: "A nodeset file (NAME.conf), then location URLs; or location URLs alone, whose nodeset silver finds.")
    var arguments: [String]

    @Flag(name: .customLong("keep-prev"), help: "Keep prev.HOST serving the previous instance at these locations.")
    var keepPrev = false

    @OptionGroup var options: WorkOptions

    func run() async throws {
        try await runCommand {
            var locations = arguments
            let nodeset = locations.first.flatMap { Target(argument: $0) == .nodeset(path: $0) ? locations.removeFirst() : nil }
            guard let first = locations.first else { throw UsageError("give the locations to deactivate, e.g. silver deactivate foobar.conf http://foobar.com/blog/") }
            let session = try options.open(try await LocationTarget.nodesetFile(given: nodeset, location: first, home: SilverHome()))
            let answers = try await RoutingChange(session: session).deactivate(locations, keepPrevious: keepPrev)
            for node in answers {
                session.console.say((node.answer.changed ? "deactivated " : "already deactivated ") + locations.joined(separator: " "), node: node.node)
            }
        }
    }
}
