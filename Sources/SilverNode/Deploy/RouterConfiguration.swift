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

    /// The nginx file for the instances active now.
    public func plannedFile() throws -> PlannedFile {
        let active = InstanceRegistry(paths: paths).active()
        return PlannedFile(
            Self.path, content: Self.render(settings, active: active), check: ["nginx", "-t", "-q"],
            then: [.reload(unit: "nginx")])
    }

    public static func render(_ settings: RouterSettings, active: [String: InstanceRecord]) -> String {
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
        for (index, location) in settings.locations.enumerated() {
            guard let instance = active[location.app] else { continue }
            if location.path != "/" && (instance.writableRoot || instance.isPHP) { out += appPathMap(location, index: index) }
            if instance.isPHP { out += PHPLocation.fileMap(location, index: index) }
        }
        var hostnames: [String] = []
        for location in settings.locations where !hostnames.contains(location.hostname) {
            hostnames.append(location.hostname)
        }
        for hostname in hostnames {
            out += "\nserver {\n    listen 80;\n    server_name \(hostname);\n\(readyLocation(ready))\n"
            for (index, location) in settings.locations.enumerated() where location.hostname == hostname {
                out += locationBlocks(location, index: index, instance: active[location.app])
            }
            out += "}\n"
        }
        return out
    }

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

    static func locationBlocks(_ location: RoutedLocation, index: Int, instance: InstanceRecord?) -> String {
        guard let instance else {
            return """
                    location \(location.path) {
                        return 503 "\(location.app) is not deployed on this server yet\\n";
                    }

                """
        }
        let name = "@\(sanitized(location.app))_\(index)"
        let staticRoot = NodeLayout.instanceDirectory(instance.name) + "/" + instance.staticDirectory
        // A root location maps URLs onto static/ as they are; a deeper one strips its prefix.
        let staticLine = location.path == "/" ? "root \(staticRoot);" : "alias \(staticRoot)/;"
        // Files are looked for in static/, the writable root, then a PHP app's php_root.
        let writable = instance.writableRoot ? name + "_writable" : nil
        let phpRoot = PHPLocation.serveRoot(instance) ? name + "_php_root" : nil
        let next = [writable, phpRoot, name].compactMap { $0 }
        var out = """
                # \(location.app): \(instance.name)
                location \(location.path) {
                    \(staticLine)
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
