import FoundationEssentials

/// The nodeset's locations as an app server routes them.
public struct RouterSettings: Codable, Sendable, Equatable {
    public var locations: [RoutedLocation]

    public init(locations: [RoutedLocation]) {
        self.locations = locations
    }

    /// Apps the locations name, each once, in order.
    public var apps: [String] { locations.map(\.app).uniqued() }
}

public struct RoutedLocation: Codable, Sendable, Equatable {
    public var hostname: String
    /// Starts and ends with `/`.
    public var path: String
    public var app: String

    public init(hostname: String, path: String, app: String) {
        self.hostname = hostname
        self.path = path.hasSuffix("/") ? path : path + "/"
        self.app = app
    }
}

/// nginx on an app server: each location goes to its app's active instance, with the
/// instance's `static/` (and the app's writable root) served directly first. Rendered from
/// the router settings and the active instances whenever either changes.
public struct RouterConfiguration: Sendable {
    public static let path = "/etc/nginx/sites-enabled/silverlining"
    public static let settingsPath = NodeLayout.routerSettings
    /// Answered 200 only when every app the locations name is active here.
    public static let readyPath = "/.silverlining/ready"

    /// Answered 200 when `app` is active here: the balancer's health check of the app's
    /// backend, so an app server takes each app's requests as soon as that app serves there.
    public static func readyPath(app: String) -> String { readyPath + "/" + app }
    /// The header that marks silver's own `update_fetch` requests; nginx clears it on every
    /// request from outside so no client can forge it.
    public static let updateHeader = "X-Silverlining-Update"
    public static let instanceHeader = "X-Silverlining-Instance"

    public var paths: NodePaths
    public var settings: RouterSettings

    public init(paths: NodePaths, settings: RouterSettings) {
        self.paths = paths
        self.settings = settings
    }

    /// The nginx file for the instances active now, the previous ones and the operator's choices.
    public func plannedFile() throws -> PlannedFile {
        let registry = InstanceRegistry(paths: paths)
        let active = registry.active()
        let previous = registry.previous()
        let ownPages = Set((Array(active.values) + Array(previous.values)).filter { instance in
            FileSystem.exists(paths.path(MaintenancePages.ownDisabledPage(instance)))
        }.map(\.name))
        let content = Self.render(
            settings, active: active, previous: previous, choices: try RoutingChoicesFile(paths: paths).read(), ownDisabledPages: ownPages)
        return PlannedFile(Self.path, content: content, check: ["nginx", "-t", "-q"], then: [.reload(unit: "nginx")])
    }

    /// - Parameters:
    ///   - previous: each app's previous instance, served at `prev.HOST`.
    ///   - choices: disabled apps and deactivated locations.
    ///   - ownDisabledPages: instances whose `static/disabled.html` replaces silver's maintenance page.
    public static func render(
        _ settings: RouterSettings, active: [String: InstanceRecord], previous: [String: InstanceRecord] = [:],
        choices: RoutingChoices = RoutingChoices(), ownDisabledPages: Set<String> = []
    ) -> String {
        let ready = settings.apps.allSatisfy { active[$0] != nil }
        var out = """
            # Written by silver from \(settingsPath) and the active instances; changes here are replaced.
            server {
                listen 80 default_server;
                server_name _;
            \(readyLocation(ready))\(readyLocations(settings, active: active))
                location / {
                    return 404 "no app is configured for this host name\\n";
                }
            }

            """
        let disabled = Set(choices.disabledApps).intersection(settings.apps)
        if !disabled.isEmpty { out += MaintenancePages.outsideGeo }
        for (index, location) in settings.locations.enumerated() {
            let instances = [active[location.app], previous[location.app]].compactMap { $0 }
            if location.path != "/" && instances.contains(where: { $0.writableRoot || $0.isPHP }) { out += appPathMap(location, index: index) }
            if instances.contains(where: \.isPHP) { out += PHPLocation.fileMap(location, index: index) }
        }
        var hostnames: [String] = []
        for location in settings.locations where !hostnames.contains(location.hostname) {
            hostnames.append(location.hostname)
        }
        func page(_ instance: InstanceRecord?) -> MaintenancePages.Page? {
            guard let instance, disabled.contains(instance.app) else { return nil }
            return ownDisabledPages.contains(instance.name) ? .own(instance) : .silver
        }
        for hostname in hostnames {
            out += "\nserver {\n    listen 80;\n    server_name \(hostname);\n\(readyLocation(ready))\n"
            for (index, location) in settings.locations.enumerated() where location.hostname == hostname {
                let instance = active[location.app]
                out += choices.isDeactivated(location)
                    ? MaintenancePages.notFoundBlock(location, why: "deactivated")
                    : locationBlocks(location, index: index, instance: instance, disabled: page(instance))
            }
            out += "}\n"
        }
        // prev.HOST, where some app of HOST has a previous instance: each location serves its
        // app's previous instance, or Silver Lining's not-found page.
        for hostname in hostnames {
            let locations = settings.locations.enumerated().filter { $0.element.hostname == hostname }
            func shown(_ location: RoutedLocation) -> InstanceRecord? {
                choices.hidesPrevious(location) ? nil : previous[location.app]
            }
            guard locations.contains(where: { shown($0.element) != nil }) else { continue }
            out += "\nserver {\n    listen 80;\n    server_name \(previousHostname(hostname));\n\(readyLocation(ready))\n"
            for (index, location) in locations {
                let instance = shown(location)
                out += instance == nil
                    ? MaintenancePages.notFoundBlock(location, why: choices.hidesPrevious(location) ? "previous instance deactivated" : "no previous instance")
                    : locationBlocks(location, index: index, instance: instance, suffix: "_prev", disabled: page(instance))
            }
            out += "}\n"
        }
        return out
    }

    /// Where an app's previous instance answers after an update, as in Silver Lining.
    public static func previousHostname(_ hostname: String) -> String { "prev." + hostname }

    static func readyLocation(_ ready: Bool) -> String {
        """
            location = \(readyPath) {
                access_log off;
                return \(ready ? 200 : 503) "\(ready ? "ready" : "not every app is deployed here yet")\\n";
            }
        """
    }

    static func readyLocations(_ settings: RouterSettings, active: [String: InstanceRecord]) -> String {
        settings.apps.map { app in
            let ready = active[app] != nil
            return """

                    location = \(readyPath(app: app)) {
                        access_log off;
                        return \(ready ? 200 : 503) "\(ready ? "ready" : "\(app) is not deployed here yet")\\n";
                    }
                """
        }.joined()
    }

    static func locationBlocks(
        _ location: RoutedLocation, index: Int, instance: InstanceRecord?, suffix: String = "", disabled: MaintenancePages.Page? = nil
    ) -> String {
        guard let instance else {
            return """
                    location \(location.path) {
                        return 503 "\(location.app) is not deployed on this server yet\\n";
                    }

                """
        }
        let name = "@\(sanitized(location.app))_\(index)\(suffix)"
        let staticRoot = NodeLayout.instanceDirectory(instance.name) + "/" + instance.staticDirectory
        // A root location maps URLs onto static/ as they are; a deeper one strips its prefix.
        let staticLine = location.path == "/" ? "root \(staticRoot);" : "alias \(staticRoot)/;"
        // Files are looked for in static/, the writable root, then a PHP app's php_root.
        let writable = instance.writableRoot ? name + "_writable" : nil
        let phpRoot = PHPLocation.serveRoot(instance) ? name + "_php_root" : nil
        let next = [writable, phpRoot, name].compactMap { $0 }
        var out = """
                # \(location.app): \(instance.name)\(disabled == nil ? "" : " (disabled)")
                location \(location.path) {
            \(disabled == nil ? "" : MaintenancePages.disabledCheck(name))        \(staticLine)
                    add_header \(instanceHeader) \(instance.name) always;
                    try_files $uri \(next[0]);
                }

            """
        if let writable {
            out += """
                    location \(writable) {
                        root \(NodeLayout.writableRoots)/\(instance.app);
                        add_header \(instanceHeader) \(instance.name) always;
                        try_files \(location.path == "/" ? "$uri" : appPathVariable(index)) \(next[1]);
                    }

                """
        }
        if let phpRoot {
            out += PHPLocation.rootBlock(phpRoot, instance: instance, index: index, next: name)
        }
        if let disabled { out += MaintenancePages.disabledBlock(name, page: disabled) }
        if instance.isPHP {
            return out + PHPLocation.runnerBlock(name, instance: instance, appPath: location.path == "/" ? "$uri" : appPathVariable(index))
        }
        out += """
                location \(name) {
                    proxy_pass http://127.0.0.1:\(instance.port);
                    proxy_http_version 1.1;
                    proxy_set_header Connection "";
                    proxy_set_header Host $host;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    proxy_set_header X-Forwarded-Proto $scheme;
                    proxy_set_header \(updateHeader) "";
                    proxy_read_timeout 300s;
                    add_header \(instanceHeader) \(instance.name) always;
                }

            """
        return out
    }

    /// The path inside the app: the writable root and php_root, like `static/`, hold the
    /// app's URLs below its location, and PHP's SCRIPT_NAME is that path, but a named
    /// location cannot `alias`: a map strips the location's prefix from the URI instead.
    static func appPathMap(_ location: RoutedLocation, index: Int) -> String {
        let prefix = String(location.path.dropLast()).map { "\\.^$|?*+()[]{}".contains($0) ? "\\\($0)" : "\($0)" }.joined()
        return "\nmap $uri \(appPathVariable(index)) {\n    \"~^\(prefix)(/.*)$\" $1;\n    default $uri;\n}\n"
    }

    static func appPathVariable(_ index: Int) -> String { "$silverlining_app_path_\(index)" }

    static func sanitized(_ app: String) -> String {
        String(app.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}
