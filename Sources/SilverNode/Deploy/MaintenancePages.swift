/// nginx's part of `silver disable` and `silver deactivate`, with Silver Lining's own pages
/// (`default-disabled/static/disabled.html`, `default-notfound/static/not_found.html`).
///
/// A disabled app's locations answer 503 with `Retry-After` and the maintenance page (the
/// instance's own `static/disabled.html` when it has one), except to requests made on the
/// app server itself: Silver Lining let localhost through, and silver's own check that
/// nginx serves a new instance comes from there. The app's ready page, which the balancer
/// checks, is not a location of the app, so the balancer keeps the app server in rotation.
enum MaintenancePages {
    enum Page: Equatable {
        /// Silver Lining's page.
        case silver
        /// The instance's `static/disabled.html`.
        case own(InstanceRecord)
    }

    /// What the maintenance page tells clients to wait before asking again.
    static let retryAfterSeconds = 120
    static let outsideVariable = "$silverlining_outside"

    static let outsideGeo = """

        # 1 for requests from elsewhere; a disabled app still answers requests made on this node.
        geo \(outsideVariable) {
            default 1;
            127.0.0.0/8 0;
        }

        """

    static let disabledPage = [
        "<html>", " <head>", "  <title>Service Unavailable</title>", " </head>", " <body>", " ",
        "<h1>Service Unavailable</h1>", "", "<p>The service is down for a bit.  Come back later.</p>", " ", " </body>", "</html>",
    ]

    static let notFoundPage = [
        "<html>", " <head>", "  <title>Not Found</title>", " </head>", " <body>", " ", "<h1>Not Found</h1>", "",
        "<p>This was not found.</p>", " ", " </body>", "</html>",
    ]

    /// The instance's own maintenance page, if it has one.
    static func ownDisabledPage(_ instance: InstanceRecord) -> String {
        NodeLayout.instanceDirectory(instance.name) + "/" + instance.staticDirectory + "/disabled.html"
    }

    /// The first lines of a disabled app's location: requests from elsewhere get the page.
    /// (`return` is one of the two things nginx's documentation calls safe inside `if`.)
    static func disabledCheck(_ name: String) -> String {
        """
                error_page 503 \(name)_disabled;
                if (\(outsideVariable)) {
                    return 503;
                }

        """
    }

    /// The named location that answers with the page; `error_page` keeps the 503.
    static func disabledBlock(_ name: String, page: Page) -> String {
        let body = switch page {
        case .silver:
            "        default_type text/html;\n        return 503 \(quoted(disabledPage));\n"
        case .own(let instance):
            "        root \(FileSystem.parent(of: ownDisabledPage(instance)));\n        try_files /disabled.html =503;\n"
        }
        return """
                location \(name)_disabled {
                    add_header Retry-After \(retryAfterSeconds) always;
                    add_header Cache-Control "no-store, no-cache, max-age=0" always;
                    add_header Pragma no-cache always;

            """ + body + "    }\n"
    }

    /// A deactivated location, or a `prev.` location with no previous instance; `why` says which.
    static func notFoundBlock(_ location: RoutedLocation, why: String) -> String {
        """
                # \(location.app): \(why)
                location \(location.path) {
                    default_type text/html;
                    return 404 \(quoted(notFoundPage));
                }

            """
    }

    /// An nginx string of the page's lines. The pages hold no `$`, which nginx would read as
    /// a variable.
    static func quoted(_ lines: [String]) -> String {
        "\"" + lines.map { $0.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\\n" }.joined() + "\""
    }
}
