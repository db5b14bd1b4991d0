/// The `routing` verb's request and answer: `silver disable`/`enable` (by app) and
/// `silver deactivate`/`activate LOCATION` (by location) on one app server.
public struct RoutingRequest: Codable, Sendable, Equatable {
    public enum Action: String, Codable, Sendable {
        case disable, enable, deactivate, activate
    }

    public var action: Action
    /// The app, for `disable` and `enable`.
    public var app: String?
    /// The locations, for `deactivate` and `activate`.
    public var locations: [LocationKey]
    /// `deactivate --keep-prev`: leave `prev.HOST/PATH` serving.
    public var keepPrevious: Bool

    public init(action: Action, app: String? = nil, locations: [LocationKey] = [], keepPrevious: Bool = false) {
        self.action = action
        self.app = app
        self.locations = locations
        self.keepPrevious = keepPrevious
    }
}

public struct RoutingAnswer: Codable, Sendable, Equatable {
    /// False when the node already was as asked.
    public var changed: Bool
    public var choices: RoutingChoices
    /// The app's active instance here, for `disable`/`enable` (nil: not deployed here).
    public var active: String?

    public init(changed: Bool, choices: RoutingChoices, active: String?) {
        self.changed = changed
        self.choices = choices
        self.active = active
    }
}
