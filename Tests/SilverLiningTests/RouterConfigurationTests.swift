import Foundation
import Testing

@testable import SilverLining


@Suite struct RouterConfigurationTests {
    static func instance(_ name: String, port: Int, writableRoot: Bool = false) -> InstanceRecord {
        InstanceRecord(
            name: name, app: String(name.prefix { $0 != "." }), port: port, launch: .wsgi(runner: "app.py"),
            writableRoot: writableRoot)
    }

    static func php(_ name: String, port: Int, root: String?, writableRoot: Bool = false) -> InstanceRecord {
        InstanceRecord(
            name: name, app: String(name.prefix { $0 != "." }), port: port, launch: .php(runner: "site/runner.php", root: root),
            writableRoot: writableRoot)
    }

    static let blog = instance("blog.2026-11-25_001", port: 20000)
    static let wiki = instance("wiki.2026-11-24_003", port: 20001)

    static func settings(_ locations: [(String, String, String)]) -> RouterSettings {
        RouterSettings(locations: locations.map { RoutedLocation(hostname: $0.0, path: $0.1, app: $0.2) })
    }

    /// Each golden: the settings, the active instances, and the reviewed nginx file.
    static let cases: [(golden: String, settings: RouterSettings, active: [String: InstanceRecord])] = [
        ("router/none-active.conf", settings([("foobar.com", "/", "blog")]), [:]),
        ("router/one-app.conf", settings([("foobar.com", "/", "blog")]), ["blog": blog]),
        (
            "router/writable-root.conf", settings([("foobar.com", "/", "blog"), ("foobar.com", "/wiki/", "wiki")]),
            [
                "blog": instance("blog.2026-11-25_001", port: 20000, writableRoot: true),
                "wiki": instance("wiki.2026-11-24_003", port: 20001, writableRoot: true),
            ]
        ),
        (
            "router/two-apps-one-host.conf", settings([("foobar.com", "/", "blog"), ("foobar.com", "/wiki", "wiki")]),
            ["blog": blog, "wiki": wiki]
        ),
        (
            "router/php.conf", settings([("foobar.com", "/", "site"), ("foobar.com", "/forum/", "forum"), ("foobar.com", "/info/", "info")]),
            [
                "site": php("site.2026-11-25_001", port: 20002, root: "site"),
                "forum": php("forum.2026-11-25_002", port: 20003, root: "public", writableRoot: true),
                "info": php("info.2026-11-25_001", port: 20004, root: nil),
            ]
        ),
        (
            "router/two-hostnames.conf",
            settings([("foobar.com", "/", "blog"), ("wiki.example.org", "/", "wiki"), ("www.foobar.com", "/", "blog")]),
            ["blog": blog, "wiki": wiki]
        ),
    ]

    @Test("rendered nginx files match their reviewed goldens", arguments: cases.map(\.golden))
    func golden(name: String) throws {
        let example = try #require(Self.cases.first { $0.golden == name })
        try Golden.expect(RouterConfiguration.render(example.settings, active: example.active), matches: name)
    }

    @Test(
        "nginx accepts every rendered file",
        .enabled(if: ExternalCheck.find("nginx") != nil, "nginx is not installed (apt-get install nginx-light)"),
        arguments: cases.map(\.golden))
    func nginxAccepts(name: String) async throws {
        let example = try #require(Self.cases.first { $0.golden == name })
        let result = try await ExternalCheck.nginx(site: RouterConfiguration.render(example.settings, active: example.active))
        #expect(result.succeeded, "nginx -t: \(result.errorText)")
    }

    @Test(
        "the nginx check itself rejects a broken file",
        .enabled(if: ExternalCheck.find("nginx") != nil, "nginx is not installed (apt-get install nginx-light)"))
    func nginxRejects() async throws {
        let broken = RouterConfiguration.render(Self.settings([("foobar.com", "/", "blog")]), active: ["blog": Self.blog])
            .replacingOccurrences(of: "try_files $uri @blog_0;", with: "try_files $uri @blog_0")
        #expect(!(try await ExternalCheck.nginx(site: broken)).succeeded)
    }

    /// The writable-root golden served by a real nginx on a scratch port and scratch
    /// directories: static files first, then the writable root, then the app, and below a
    /// location both directories hold the app's URLs without the location's prefix.
    @Test(
        "nginx serves static, then the writable root, then the app",
        .enabled(if: ExternalCheck.find("nginx") != nil, "nginx is not installed (apt-get install nginx-light)"))
    func nginxServesInOrder() async throws {
        let scratch = try ScratchDirectory()
        let example = try #require(Self.cases.first { $0.golden == "router/writable-root.conf" })
        let site = RouterConfiguration.render(example.settings, active: example.active)
            .replacingOccurrences(of: "/var/www/", with: scratch.path + "/www/")
            .replacingOccurrences(of: "/var/lib/silverlining/", with: scratch.path + "/lib/")
        try scratch.write("www/blog.2026-11-25_001/static/s.txt", "blog static")
        try scratch.write("lib/writable-roots/blog/w.txt", "blog writable")
        try scratch.write("www/wiki.2026-11-24_003/static/s.txt", "wiki static")
        try scratch.write("lib/writable-roots/wiki/w.txt", "wiki writable")
        try scratch.write("lib/writable-roots/wiki/wiki/w.txt", "wrong: the location's prefix was kept")
        let nginx = try await ScratchNginx.start(site: site, in: scratch)
        defer { nginx.stop() }
        func get(_ path: String) throws -> LocalHTTP.Response { try nginx.get(path) }
        for (path, body, instance) in [
            ("/s.txt", "blog static", "blog.2026-11-25_001"), ("/w.txt", "blog writable", "blog.2026-11-25_001"),
            ("/wiki/s.txt", "wiki static", "wiki.2026-11-24_003"), ("/wiki/w.txt", "wiki writable", "wiki.2026-11-24_003"),
        ] {
            let response = try get(path)
            #expect(response.status == 200 && response.body == body, "\(path): \(response.status) \(response.body)")
            #expect(response.header(RouterConfiguration.instanceHeader) == instance, "\(path)")
        }
        for (path, instance) in [("/app", "blog.2026-11-25_001"), ("/wiki/app", "wiki.2026-11-24_003")] {
            let response = try get(path)
            #expect(response.header(RouterConfiguration.instanceHeader) == instance, "\(path) goes to the app")
            #expect(!response.body.contains("static") && !response.body.contains("writable"), "\(path)")
        }
    }

    @Test("ready answers 200 only when every app the locations name is active; each app's own ready page only when it is")
    func ready() {
        let settings = Self.settings([("foobar.com", "/", "blog"), ("foobar.com", "/wiki/", "wiki")])
        func readyPage(_ text: String, _ path: String) -> String? {
            guard let start = text.range(of: "location = \(path) {") else { return nil }
            return text[start.upperBound...].split(separator: "}", maxSplits: 1).first.map(String.init)
        }
        for (active, blogReady, wikiReady) in [
            ([:], false, false), (["blog": Self.blog], true, false), (["wiki": Self.wiki], false, true),
            (["blog": Self.blog, "wiki": Self.wiki, "other": Self.blog], true, true),
        ] as [([String: InstanceRecord], Bool, Bool)] {
            let text = RouterConfiguration.render(settings, active: active)
            let all = readyPage(text, RouterConfiguration.readyPath)
            #expect(all?.contains("return \(blogReady && wikiReady ? 200 : 503) ") == true, "\(active.keys)")
            #expect(readyPage(text, RouterConfiguration.readyPath(app: "blog"))?.contains("return \(blogReady ? 200 : 503) ") == true)
            #expect(readyPage(text, RouterConfiguration.readyPath(app: "wiki"))?.contains("return \(wikiReady ? 200 : 503) ") == true)
            #expect(readyPage(text, RouterConfiguration.readyPath(app: "other")) == nil, "only the nodeset's apps have a ready page")
        }
    }

    @Test("an app that is not active answers 503 at its location while others are routed")
    func partlyActive() {
        let text = RouterConfiguration.render(
            Self.settings([("foobar.com", "/", "blog"), ("foobar.com", "/wiki/", "wiki")]), active: ["blog": Self.blog])
        #expect(text.contains("location /wiki/ {\n        return 503 \"wiki is not deployed on this server yet\\n\";"))
        #expect(text.contains("proxy_pass http://127.0.0.1:20000;"))
        #expect(!text.contains("20001"))
    }

    @Test func locationPathsEndWithASlash() {
        #expect(RoutedLocation(hostname: "h", path: "/wiki", app: "w").path == "/wiki/")
        #expect(RoutedLocation(hostname: "h", path: "/", app: "w").path == "/")
        #expect(Self.settings([("a", "/", "x"), ("b", "/", "y"), ("c", "/", "x")]).apps == ["x", "y"])
    }
}
