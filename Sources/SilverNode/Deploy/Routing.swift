/// The `routing` verb: records an operator's choice (`RoutingChoices`) and renders nginx's
/// file again, under the router lock so that a rollout switching instances meanwhile cannot
/// undo it. A choice nginx rejects is taken back.
public struct Routing: Sendable {
    public var paths: NodePaths
    public var runner: CommandRunner

    public init(paths: NodePaths = NodePaths(), runner: CommandRunner = CommandRunner()) {
        self.paths = paths
        self.runner = runner
    }

    public func handle(_ request: RoutingRequest) async throws -> RoutingAnswer {
        let activation = Activation(paths: paths, runner: runner)
        return try await RouterLock.held(paths) {
            let file = RoutingChoicesFile(paths: paths)
            let before = try file.read()
            let after = try Self.apply(request, to: before, settings: try activation.routerSettings())
            if after != before {
                try file.write(after)
                // `systemctl reload` returns before nginx serves the new file: the answer waits
                // until every worker from before is gone, so what silver reports is what visitors get.
                let workers = ProcessTable.find(["nginx: worker process"])
                do {
                    try await activation.reloadRouter()
                } catch {
                    try file.write(before)
                    throw error
                }
                await poll(deadline: .seconds(15)) { workers.allSatisfy { !ProcessTable.isAlive($0) } }
            }
            return RoutingAnswer(
                changed: after != before, choices: after, active: request.app.flatMap { InstanceRegistry(paths: paths).activeName(of: $0) })
        }
    }

    /// The choices after `request`; apps and locations must be ones this node routes.
    public static func apply(_ request: RoutingRequest, to choices: RoutingChoices, settings: RouterSettings) throws -> RoutingChoices {
        var choices = choices
        switch request.action {
        case .disable, .enable:
            guard let app = request.app, settings.apps.contains(app) else {
                throw AgentError.failed("no location on this node routes \(request.app ?? "(no app named)"); it routes \(settings.apps.joined(separator: ", "))")
            }
            choices.disabledApps.removeAll { $0 == app }
            if request.action == .disable { choices.disabledApps.append(app) }
        case .deactivate, .activate:
            let known = settings.locations.map(LocationKey.init)
            for location in request.locations where !known.contains(location) {
                throw AgentError.failed("\(location) is not a location on this node; it has \(known.map(\.description).joined(separator: ", "))")
            }
            choices.deactivated.removeAll { request.locations.contains($0) }
            if request.action == .deactivate {
                choices.deactivated += request.locations
                if !request.keepPrevious {
                    choices.hiddenPrevious = choices.hiddenPrevious.filter { !request.locations.contains($0) } + request.locations
                }
            }
        }
        return choices
    }
}
