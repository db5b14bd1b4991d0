/// `silver disable`/`enable` (an app, by name or by one of its locations) and `silver
/// deactivate`/`activate LOCATION`: the choice is sent to every app server at once and kept
/// there by the agent, which renders nginx from it from then on, so updates keep it.
public struct RoutingChange: Sendable {
    public var session: NodesetSession

    public init(session: NodesetSession) {
        self.session = session
    }

    /// One app server's answer.
    public struct NodeAnswer: Sendable {
        public var node: String
        public var answer: RoutingAnswer
    }

    /// Disables (or, with `enable`, enables) `app` on every app server.
    public func setDisabled(_ disabled: Bool, app: String) async throws -> [NodeAnswer] {
        let apps = session.nodeset.locations.map(\.appName).uniqued()
        guard apps.contains(app) else { throw RoutingError.unknownApp(app, nodeset: session.nodeset.name, apps: apps) }
        let answers = try await send(RoutingRequest(action: disabled ? .disable : .enable, app: app))
        guard answers.contains(where: { $0.answer.active != nil }) else {
            throw DeployError.notDeployed(app: app, nodeset: session.nodeset.name)
        }
        return answers
    }

    /// Stops serving the locations (404); without `keepPrevious`, their `prev.` hosts too.
    public func deactivate(_ urls: [String], keepPrevious: Bool) async throws -> [NodeAnswer] {
        let keys = try urls.map { LocationKey(try session.nodeset.location(named: $0)) }
        return try await send(RoutingRequest(action: .deactivate, locations: keys, keepPrevious: keepPrevious))
    }

    /// Serves deactivated locations again.
    public func activate(_ urls: [String]) async throws -> [NodeAnswer] {
        let keys = try urls.map { LocationKey(try session.nodeset.location(named: $0)) }
        return try await send(RoutingRequest(action: .activate, locations: keys))
    }

    func send(_ request: RoutingRequest) async throws -> [NodeAnswer] {
        let nodes = try await session.topology().nodes(in: .appserver)
        guard !nodes.isEmpty else { throw DeployError.noAppServers(nodeset: session.nodeset.name) }
        let agent = NodeAgent(ssh: session.ssh, binary: try AgentBinary.locate())
        return try await forEachOrThrow(nodes, parallel: session.parallel, name: \.name) { node in
            NodeAnswer(node: node.name, answer: try await agent.call("routing", request: request, on: node.reach, as: RoutingAnswer.self))
        }
    }
}

extension LocationKey {
    init(_ location: Location) {
        self.init(hostname: location.hostname, path: location.path)
    }
}

extension Nodeset {
    /// The location `url` names; the scheme and a trailing slash do not matter, so Silver
    /// Lining's `foobar.com/blog` names `http://foobar.com/blog/`.
    public func location(named url: String) throws(RoutingError) -> Location {
        let wanted = AppTarget.normalized(url)
        guard let location = locations.first(where: { AppTarget.normalized($0.url) == wanted }) else {
            throw RoutingError.notALocation(url, nodeset: name, locations: locations)
        }
        return location
    }
}

public enum RoutingError: UserFacingError {
    case notALocation(String, nodeset: String, locations: [Location])
    case unknownApp(String, nodeset: String, apps: [String])

    public var exitStatus: Int32 { ExitStatus.badInput }

    public var description: String {
        switch self {
        case .notALocation(let url, let nodeset, let locations):
            "\(url) is not a location of \(nodeset); its locations are:\n"
                + locations.map { "  \($0.url) \($0.appName)" }.joined(separator: "\n")
        case .unknownApp(let app, let nodeset, let apps):
            "no location of \(nodeset) serves an app named \(app); its apps are \(apps.joined(separator: ", "))"
                + (DidYouMean.suggestion(for: app, among: apps).map { " (did you mean \($0)?)" } ?? "")
        }
    }
}
