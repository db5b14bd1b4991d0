extension Activation {
    /// Points the app at its new instance and `prev.HOST` at the one it replaces, shows the
    /// `prev.` locations a deactivation hid (Silver Lining wrote a fresh `prev.` line on
    /// every activation), and renders nginx; all of it is undone if nginx refuses. Run under
    /// the router lock.
    ///
    /// - Returns: the instance that was at `prev.HOST` and now has nothing routed to it, to
    ///   stop; nil when there is none.
    func switchRoutes(_ request: ActivateRequest, from previous: String?) async throws -> String? {
        let app = request.app
        let formerPrevious = registry.previousName(of: app)
        let newPrevious = (previous ?? formerPrevious).flatMap { $0 == request.instance ? nil : $0 }
        let choicesFile = RoutingChoicesFile(paths: paths)
        let choices = try choicesFile.read()
        let locations = try routerSettings().locations.filter { $0.app == app }.map(LocationKey.init)
        var shown = choices
        shown.hiddenPrevious.removeAll { locations.contains($0) }

        try setActive(request.instance, app: app)
        try registry.setPrevious(newPrevious, app: app)
        if shown != choices { try choicesFile.write(shown) }
        do {
            try await reloadRouter()
        } catch {
            try setActive(previous, app: app)
            try registry.setPrevious(formerPrevious, app: app)
            try choicesFile.write(choices)
            throw error
        }
        guard let formerPrevious, formerPrevious != request.instance, formerPrevious != newPrevious else { return nil }
        return formerPrevious
    }
}

extension NodeInventory {
    /// Before an instance is removed: if it is its app's previous instance, `prev.HOST` stops
    /// routing to it first, so that nginx never proxies to a port nothing listens on.
    func forgetPrevious(_ name: String, app: String) async throws {
        guard registry.previousName(of: app) == name else { return }
        try await RouterLock.held(paths) {
            try registry.setPrevious(nil, app: app)
            if manageSystem { try await Activation(paths: paths, runner: runner).reloadRouter() }
        }
    }
}
