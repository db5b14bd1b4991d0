import Foundation
import Testing

@testable import SilverLining

/// nginx's file with an operator's choices (disable, deactivate) and previous instances at
/// `prev.HOST`: goldens checked by the real nginx, and the maintenance, not-found and prev.
/// pages served by it.
@Suite struct RouterChoicesTests {
    typealias Instance = RouterConfigurationTests
    static let blog = Instance.blog
    static let wiki = Instance.wiki
    static let oldBlog = Instance.instance("blog.2026-11-20_001", port: 20005)
    static let oldWiki = Instance.php("wiki.2026-11-20_002", port: 20006, root: "site")
    static let settings = Instance.settings([("foobar.com", "/", "blog"), ("foobar.com", "/wiki/", "wiki"), ("www.foobar.com", "/", "blog")])
    static let home = LocationKey(hostname: "foobar.com", path: "/")

    struct Case: Sendable {
        var golden: String
        var previous: [String: InstanceRecord] = [:]
        var choices = RoutingChoices()
        var ownPages: Set<String> = []
    }

    static let cases: [Case] = [
        Case(golden: "router/disabled.conf", choices: RoutingChoices(disabledApps: ["blog"])),
        Case(golden: "router/disabled-own-page.conf", choices: RoutingChoices(disabledApps: ["wiki"]), ownPages: [wiki.name]),
        Case(golden: "router/deactivated.conf", choices: RoutingChoices(deactivated: [home])),
        Case(golden: "router/previous.conf", previous: ["blog": oldBlog, "wiki": oldWiki]),
        Case(
            golden: "router/previous-hidden.conf", previous: ["blog": oldBlog],
            choices: RoutingChoices(disabledApps: ["blog"], deactivated: [home], hiddenPrevious: [home])),
    ]

    static func render(_ example: Case) -> String {
        RouterConfiguration.render(
            settings, active: ["blog": blog, "wiki": wiki], previous: example.previous, choices: example.choices,
            ownDisabledPages: example.ownPages)
    }

    @Test("rendered nginx files match their reviewed goldens", arguments: cases.map(\.golden))
    func golden(name: String) throws {
        try Golden.expect(Self.render(try #require(Self.cases.first { $0.golden == name })), matches: name)
    }

    @Test(
        "nginx accepts every rendered file", .enabled(if: ExternalCheck.find("nginx") != nil, "nginx is not installed (apt-get install nginx-light)"),
        arguments: cases.map(\.golden))
    func nginxAccepts(name: String) async throws {
        let result = try await ExternalCheck.nginx(site: Self.render(try #require(Self.cases.first { $0.golden == name })))
        #expect(result.succeeded, "nginx -t: \(result.errorText)")
    }

    @Test("with no choice and no previous instance, nothing changes")
    func unchanged() {
        #expect(RouterConfiguration.render(Self.settings, active: ["blog": Self.blog]) == RouterConfiguration.render(
            Self.settings, active: ["blog": Self.blog], previous: [:], choices: RoutingChoices(disabledApps: ["other"])))
    }

    /// The disabled golden in a real nginx: from elsewhere 503 with Retry-After and Silver
    /// Lining's page, or the app's own; from the node itself the app as usual; other apps untouched.
    @Test(
        "a disabled app answers the maintenance page, except on the node itself",
        .enabled(if: ExternalCheck.find("nginx") != nil, "nginx is not installed (apt-get install nginx-light)"))
    func disabledServed() async throws {
        let scratch = try ScratchDirectory()
        try scratch.write("www/blog.2026-11-25_001/static/s.txt", "blog static")
        try scratch.write("www/wiki.2026-11-24_003/static/s.txt", "wiki static")
        try scratch.write("www/wiki.2026-11-24_003/static/disabled.html", "wiki is resting")
        func serve(_ example: Case, outside: Bool) async throws -> ScratchNginx {
            var site = Self.render(example).replacingOccurrences(of: "/var/www/", with: scratch.path + "/www/")
            // ScratchNginx listens on loopback only: to see what a visitor sees, nothing is local.
            if outside { site = site.replacingOccurrences(of: "    127.0.0.0/8 0;\n", with: "") }
            return try await ScratchNginx.start(site: site, in: scratch)
        }
        let blogDown = try #require(Self.cases.first { $0.golden == "router/disabled.conf" })
        let visitor = try await serve(blogDown, outside: true)
        let page = try visitor.get("/s.txt")
        #expect(page.status == 503 && page.header("Retry-After") == "120", "\(page)")
        #expect(page.body.contains("<h1>Service Unavailable</h1>") && page.header("Content-Type") == "text/html")
        #expect(try visitor.get("/wiki/s.txt").body == "wiki static")
        #expect(try visitor.get("/.silverlining/ready/blog", host: "silverlining-check").status == 200, "the balancer keeps the app server")
        visitor.stop()
        let local = try await serve(blogDown, outside: false)
        #expect(try local.get("/s.txt").body == "blog static", "silver's own checks on the node get through")
        local.stop()

        let own = try await serve(try #require(Self.cases.first { $0.golden == "router/disabled-own-page.conf" }), outside: true)
        defer { own.stop() }
        let ownPage = try own.get("/wiki/anything")
        #expect(ownPage.status == 503 && ownPage.body == "wiki is resting" && ownPage.header("Retry-After") == "120", "\(ownPage)")
        #expect(try own.get("/s.txt").body == "blog static")
    }

    @Test(
        "a deactivated location answers 404; prev.HOST serves the previous instance, or 404 once hidden",
        .enabled(if: ExternalCheck.find("nginx") != nil, "nginx is not installed (apt-get install nginx-light)"))
    func deactivatedAndPrevious() async throws {
        let scratch = try ScratchDirectory()
        try scratch.write("www/blog.2026-11-25_001/static/s.txt", "new blog")
        try scratch.write("www/blog.2026-11-20_001/static/s.txt", "old blog")
        func serve(_ golden: String) async throws -> ScratchNginx {
            let site = Self.render(try #require(Self.cases.first { $0.golden == golden })).replacingOccurrences(of: "/var/www/", with: scratch.path + "/www/")
            return try await ScratchNginx.start(site: site, in: scratch)
        }
        let deactivated = try await serve("router/deactivated.conf")
        let gone = try deactivated.get("/s.txt")
        #expect(gone.status == 404 && gone.body.contains("<h1>Not Found</h1>"), "\(gone)")
        #expect(try deactivated.get("/s.txt", host: "www.foobar.com").body == "new blog", "other locations of the app still serve")
        deactivated.stop()

        let previous = try await serve("router/previous.conf")
        let old = try previous.get("/s.txt", host: "prev.foobar.com")
        #expect(old.body == "old blog" && old.header(RouterConfiguration.instanceHeader) == Self.oldBlog.name, "\(old)")
        #expect(try previous.get("/s.txt", host: "prev.www.foobar.com").body == "old blog")
        #expect(try previous.get("/s.txt").body == "new blog")
        previous.stop()

        let hidden = try await serve("router/previous-hidden.conf")
        defer { hidden.stop() }
        #expect(try hidden.get("/s.txt", host: "prev.foobar.com").status == 404)
        #expect(try hidden.get("/s.txt", host: "prev.www.foobar.com").body == "old blog", "the app's other prev. locations stay")
    }

    @Test("the routing verb's rules: known apps and locations only; deactivate hides prev. unless kept")
    func applying() throws {
        let settings = Self.settings
        var choices = try Routing.apply(RoutingRequest(action: .disable, app: "blog"), to: RoutingChoices(), settings: settings)
        choices = try Routing.apply(RoutingRequest(action: .disable, app: "blog"), to: choices, settings: settings)
        #expect(choices.disabledApps == ["blog"])
        #expect(throws: AgentError.self) { try Routing.apply(RoutingRequest(action: .disable, app: "nope"), to: choices, settings: settings) }
        choices = try Routing.apply(RoutingRequest(action: .enable, app: "blog"), to: choices, settings: settings)
        #expect(choices.disabledApps.isEmpty)

        let wiki = LocationKey(hostname: "FOOBAR.com", path: "/wiki")
        choices = try Routing.apply(RoutingRequest(action: .deactivate, locations: [Self.home]), to: choices, settings: settings)
        choices = try Routing.apply(RoutingRequest(action: .deactivate, locations: [wiki], keepPrevious: true), to: choices, settings: settings)
        #expect(choices.deactivated == [Self.home, LocationKey(hostname: "foobar.com", path: "/wiki/")])
        #expect(choices.hiddenPrevious == [Self.home])
        choices = try Routing.apply(RoutingRequest(action: .activate, locations: [Self.home, wiki]), to: choices, settings: settings)
        #expect(choices.deactivated.isEmpty && choices.hiddenPrevious == [Self.home], "prev. stays hidden until the next update")
        #expect(throws: AgentError.self) {
            try Routing.apply(RoutingRequest(action: .deactivate, locations: [LocationKey(hostname: "x.com", path: "/")]), to: choices, settings: settings)
        }
    }
}
