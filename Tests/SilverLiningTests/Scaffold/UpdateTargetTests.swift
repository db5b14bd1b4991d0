import Foundation
import Testing

@testable import SilverLining

/// How `silver update DIR [TARGET]` picks its nodeset: given, or the recorded nodeset that
/// owns a location URL (the argument, --location, or app.ini's default_location).
@Suite struct UpdateTargetTests {
    let scratch: ScratchDirectory
    let home: SilverHome

    init() throws {
        scratch = try ScratchDirectory()
        home = SilverHome(path: scratch.path + "/home")
    }

    /// Writes a nodeset file and records it as silver's create-node does.
    @discardableResult
    func recorded(_ name: String, locations: [String]) async throws -> String {
        let file = try scratch.write("\(name).conf", """
            [general]
            name = \(name)
            base_domain = \(name).test

            [appserver]
            locations =
            \(locations.map { "    " + $0 }.joined(separator: "\n"))

            """)
        let store = try NodesetStore(directory: home.nodesetDirectory(name))
        try await store.setProviderFacts(["provider": "local", "file": file])
        return file
    }

    func app(defaultLocation: String?) -> AppConfig {
        AppConfig(directory: scratch.path + "/blog", appName: "blog", launch: .command("true"), defaultLocation: defaultLocation)
    }

    func resolve(_ argument: String?, location: String? = nil, defaultLocation: String? = nil) async throws -> UpdateTarget {
        try await UpdateTarget.resolve(argument: argument, location: location, app: app(defaultLocation: defaultLocation), home: home,
            environment: scratch.environment())
    }

    @Test func aNodesetArgumentIsUsedAsGiven() async throws {
        #expect(try await resolve("prod.conf", location: "http://x/") == UpdateTarget(nodesetFile: "prod.conf", location: "http://x/"))
        #expect(try await resolve("prod.conf", defaultLocation: "http://blog.test/").location == nil)
    }

    @Test func defaultLocationFindsTheNodesetThatServesIt() async throws {
        try await recorded("staging", locations: ["http://staging.blog.test/ blog"])
        let production = try await recorded("production", locations: ["http://blog.test/ blog", "https://blog.test/admin/ blog"])
        #expect(try await resolve(nil, defaultLocation: "http://blog.test/")
            == UpdateTarget(nodesetFile: production, location: "http://blog.test/"))
        // Silver Lining wrote locations without a scheme, and a path's slash is optional.
        #expect(try await resolve(nil, defaultLocation: "blog.test/admin").nodesetFile == production)
        #expect(try await resolve("http://BLOG.test").nodesetFile == production)
        #expect(try await resolve(nil, location: "http://blog.test/", defaultLocation: "http://staging.blog.test/").nodesetFile == production)
    }

    @Test func noNodesetAndNoDefaultLocationSaysWhatToGive() async throws {
        let error = await #expect(throws: UsageError.self) { try await resolve(nil) }
        #expect(error?.message == "no nodeset to deploy blog to")
        #expect(error?.hint?.contains("default_location") == true)
    }

    @Test func aLocationNoNodesetServesIsAnError() async throws {
        let error = await #expect(throws: UsageError.self) { try await resolve(nil, defaultLocation: "http://blog.test/") }
        #expect(error?.message == "no nodeset silver knows has the location http://blog.test/")
        #expect(error?.hint?.hasPrefix("silver has made nodes for no nodeset in \(home.path)") == true)

        let other = try await recorded("other", locations: ["http://other.test/ other"])
        let again = await #expect(throws: UsageError.self) { try await resolve(nil, defaultLocation: "http://blog.test/") }
        #expect(again?.hint == "nodesets silver has made nodes for: \(other); give the nodeset file (NAME.conf)")
    }

    @Test func aLocationSeveralNodesetsServeIsAnError() async throws {
        let first = try await recorded("blue", locations: ["http://blog.test/ blog"])
        let second = try await recorded("green", locations: ["http://blog.test/ blog"])
        let error = await #expect(throws: UsageError.self) { try await resolve(nil, defaultLocation: "http://blog.test/") }
        #expect(error?.message == "the location http://blog.test/ belongs to several nodesets: \(first), \(second)")
    }

    @Test func anUnreadableNodesetIsNamedWhenNothingMatches() async throws {
        let broken = try await recorded("broken", locations: ["http://blog.test/ blog"])
        try "[general]\nnmae = x\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let error = await #expect(throws: UsageError.self) { try await resolve("http://blog.test/") }
        #expect(error?.hint?.contains("not read: \(broken):2: unknown key") == true, "\(String(describing: error))")
    }

    @Test func defaultLocationMustBeALocation() async throws {
        let error = await #expect(throws: UsageError.self) { try await resolve(nil, defaultLocation: "prod.conf") }
        #expect(error?.message.contains("must be one of a nodeset's location URLs") == true)
        let conference = try await recorded("conference", locations: ["http://blog.conference.test/ blog"])
        #expect(try await resolve(nil, defaultLocation: "http://blog.conference.test/").nodesetFile == conference)
    }

    @Test func aLocationArgumentAndAnotherLocationOptionConflict() async throws {
        try await recorded("production", locations: ["http://blog.test/ blog", "http://www.blog.test/ blog"])
        await #expect(throws: UsageError.self) { try await resolve("http://blog.test/", location: "http://www.blog.test/") }
        #expect(try await resolve("http://blog.test/", location: "blog.test").location == "http://blog.test/")
    }
}
