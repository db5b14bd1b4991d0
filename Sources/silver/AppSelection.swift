import ArgumentParser
import SilverLining

/// `silver disable` and `silver enable` name an app as Silver Lining's did: by name or by one
/// of its locations, with the nodeset given or found from them.
struct AppSelection: ParsableArguments {
    @Argument(help: "A nodeset file (NAME.conf) (default: the nodeset silver has made nodes for that has the app or location).")
    var nodeset: String?

    @Option(name: .customLong("by-name"), help: "The app's name.")
    var byName: String?

    @Option(name: .customLong("by-location"), help: "One of the app's location URLs, e.g. www.example.com/blog.")
    var byLocation: String?

    @OptionGroup var options: WorkOptions

    func validate() throws {
        guard (byName == nil) != (byLocation == nil) else { throw ValidationError("give one of --by-name APP and --by-location URL") }
    }

    /// Disables or enables the app on every app server and says what each did.
    func setDisabled(_ disabled: Bool) async throws {
        try await runCommand {
            let file = try await LocationTarget.nodesetFile(given: nodeset, location: byLocation, app: byName, home: SilverHome())
            let session = try options.open(file)
            let app = try byName ?? session.nodeset.location(named: byLocation ?? "").appName
            let answers = try await RoutingChange(session: session).setDisabled(disabled, app: app)
            let done = disabled ? "disabled: visitors get the maintenance page (503)" : "enabled: serving visitors again"
            for node in answers {
                let state = node.answer.changed ? done : "was already " + (disabled ? "disabled" : "enabled")
                session.console.say("\(app) \(state)" + (node.answer.active == nil ? " (not deployed here)" : ""), node: node.node)
            }
        }
    }
}
