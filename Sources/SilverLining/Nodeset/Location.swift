/// One line of the appserver's `locations`: a URL and the app that serves it.
public struct Location: Hashable, Sendable, Codable {
    public var url: String
    public var appName: String

    public init(url: String, appName: String) {
        self.url = url
        self.appName = appName
    }

    /// `foobar.com` for `http://foobar.com/blog/`.
    public var hostname: String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        let host = rest.prefix { $0 != "/" && $0 != ":" }
        return String(host)
    }

    /// `/blog/` for `http://foobar.com/blog/`, `/` when the URL has no path.
    public var path: String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        guard let slash = rest.firstIndex(of: "/") else { return "/" }
        return String(rest[slash...])
    }

    public var scheme: String {
        url.range(of: "://").map { String(url[..<$0.lowerBound]) } ?? "http"
    }
}
