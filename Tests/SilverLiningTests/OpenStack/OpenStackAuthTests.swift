import Foundation
@testable import SilverLining
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sign-in, token and catalog parsing, and the Nova client's retries, against recorded
/// answers (mimic's for Rackspace, OpenStack's API reference for Keystone v3).
@Suite struct OpenStackAuthTests {
    static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: Bundle.module.resourceURL!.appendingPathComponent("Fixtures/openstack/\(name)"))
    }

    static func rackspace(_ extra: [String: String] = [:], secret: String = "0123456789abcdef") -> ProviderSettings {
        ProviderSettings(kind: "rackspace", username: "foobar", secret: Secret(secret), settings: extra)
    }

    static func client(_ transport: ScriptedTransport, account: OpenStackAccount, region: String? = nil, sleeps: RecordedSleeps = RecordedSleeps())
        -> NovaClient
    {
        NovaClient(
            account: account, region: region, transport: transport,
            retry: RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(100), maxDelay: .seconds(1)),
            sleep: { sleeps.sleep($0) }, random: { 0.5 })
    }

    static func ok(_ body: Data, headers: [String: String] = [:]) -> Result<HTTPResponse, URLError> {
        .success(HTTPResponse(status: 200, body: body, headers: headers))
    }

    static func status(_ status: Int, _ body: String = "", headers: [String: String] = [:]) -> Result<HTTPResponse, URLError> {
        .success(HTTPResponse(status: status, body: Data(body.utf8), headers: headers))
    }

    @Test func rackspaceAccountDefaultsToRackspaceIdentityAndSendsAPIKeyCredentials() throws {
        let account = try OpenStackAccount(kind: "rackspace", settings: Self.rackspace())
        #expect(account.identityURL.absoluteString == "https://identity.api.rackspacecloud.com/v2.0/")
        #expect(account.tokensURL.absoluteString == "https://identity.api.rackspacecloud.com/v2.0/tokens")
        let body = try JSONSerialization.jsonObject(with: account.tokenRequestBody()) as? [String: [String: [String: String]]]
        #expect(body?["auth"]?["RAX-KSKEY:apiKeyCredentials"] == ["username": "foobar", "apiKey": "0123456789abcdef"])
        #expect("\(account)" == "account foobar at https://identity.api.rackspacecloud.com/v2.0/")
    }

    @Test(arguments: [
        ("https://keystone.example.com:5000/v3", "https://keystone.example.com:5000/v3/auth/tokens"),
        ("https://keystone.example.com:5000/", "https://keystone.example.com:5000/v3/auth/tokens"),
        ("https://keystone.example.com/identity/v2.0/", "https://keystone.example.com/identity/v2.0/tokens"),
    ])
    func openstackAuthURLChoosesTheKeystoneVersion(authURL: String, tokens: String) throws {
        let settings = ProviderSettings(
            kind: "openstack", username: "ann", secret: Secret("pw"), settings: ["auth_url": authURL, "project": "web"])
        let account = try OpenStackAccount(kind: "openstack", settings: settings)
        #expect(account.tokensURL.absoluteString == tokens)
    }

    @Test func keystoneV3BodyScopesToTheProjectInTheDomain() throws {
        let settings = ProviderSettings(
            kind: "openstack", username: "ann", secret: Secret("pw"),
            settings: ["auth_url": "https://k.example.com/v3", "project": "web", "domain": "corp"])
        let account = try OpenStackAccount(kind: "openstack", settings: settings)
        #expect(account.method == .passwordV3(project: "web", domain: "corp"))
        let text = String(decoding: account.tokenRequestBody(), as: UTF8.self)
        #expect(text.contains(#""methods":["password"]"#))
        #expect(text.contains(#""scope":{"project":{"domain":{"name":"corp"},"name":"web"}}"#))
        #expect(text.contains(#""user":{"domain":{"name":"corp"},"name":"ann","password":"pw"}"#))
    }

    @Test func missingSettingsSayWhichAndWhy() throws {
        let noKey = try #require(throws: NovaError.self) {
            try OpenStackAccount(kind: "rackspace", settings: ProviderSettings(kind: "rackspace", username: "foobar"))
        }
        #expect(noKey.description.contains("[provider] secret (or secret_file) is missing: it gives the account's API key"))
        #expect(noKey.exitStatus == ExitStatus.badInput)
        let noURL = try #require(throws: NovaError.self) {
            try OpenStackAccount(kind: "openstack", settings: ProviderSettings(kind: "openstack", username: "a", secret: Secret("b")))
        }
        #expect(noURL.description.contains("[provider] auth_url is missing"))
        let badURL = try #require(throws: NovaError.self) {
            try OpenStackAccount(kind: "rackspace", settings: Self.rackspace(["endpoint": "identity.example.com"]))
        }
        #expect(badURL.description.contains("[provider] endpoint: \"identity.example.com\" is not an http:// or https:// URL"))
    }

    @Test func rackspaceTokenGivesTheDefaultRegionsComputeEndpointNotTheControlAPI() throws {
        let token = try OpenStackToken.parseV2(try Self.fixture("rackspace-token.json"))
        #expect(token.id.reveal() == "token_1a38470e-7119-4779-9ffa-1a926770a936")
        #expect(token.defaultRegion == "DFW")
        #expect(token.expires != nil)
        let compute = try token.catalog.compute(region: nil, defaultRegion: token.defaultRegion)
        #expect(compute.region == "DFW")
        #expect(compute.url.absoluteString.contains("/NovaApi-"))
        #expect(compute.url.absoluteString.contains("/DFW/v2/465902876786688"))
        let ord = try token.catalog.compute(region: "ord", defaultRegion: token.defaultRegion)
        #expect(ord.region == "ORD" && ord.url.absoluteString.contains("/NovaApi-"))
        #expect(throws: NovaError.unknownRegion("LON", regions: ["DFW", "IAD", "ORD"])) {
            try token.catalog.compute(region: "LON", defaultRegion: token.defaultRegion)
        }
    }

    @Test func keystoneV3TokenComesFromTheHeaderAndOnlyPublicEndpointsCount() throws {
        let body = try Self.fixture("keystone-v3-token.json")
        let token = try OpenStackToken.parseV3(body, subjectToken: "gAAAAABWPdwN")
        #expect(token.id.reveal() == "gAAAAABWPdwN")
        #expect(token.expires == OpenStackToken.parseDate("2015-11-07T02:58:43.578887Z"))
        #expect(throws: NovaError.noRegion(regions: ["RegionOne", "RegionTwo"])) {
            try token.catalog.compute(region: nil, defaultRegion: nil)
        }
        let compute = try token.catalog.compute(region: "RegionTwo", defaultRegion: nil)
        #expect(compute.url.absoluteString == "http://198.51.100.20:8774/v2.1/a6944d763bf64ee6a275f1263fae0352")
        #expect(throws: NovaError.self) { try OpenStackToken.parseV3(body, subjectToken: nil) }
        let unscoped = try #require(throws: NovaError.self) {
            try OpenStackToken.parseV3(try Self.fixture("keystone-v3-unscoped.json"), subjectToken: "t")
        }
        #expect(unscoped.description.contains("[provider] project is missing"))
    }

    @Test func refusedSignInNamesTheAccountAndURLButNotTheKey() async throws {
        let secret = "s3cret-API-KEY"
        let account = try OpenStackAccount(kind: "rackspace", settings: Self.rackspace(secret: secret))
        let transport = ScriptedTransport([.success(HTTPResponse(status: 401, body: try Self.fixture("rackspace-unauthorized.json")))])
        let error = try await #require(throws: NovaError.self) { try await Self.client(transport, account: account).region() }
        #expect(error == .badCredentials(
            account: "account foobar at https://identity.api.rackspacecloud.com/v2.0/",
            message: "HTTP 401 unauthorized: Unable to authenticate user with credentials provided."))
        #expect(!error.description.contains(secret))
        #expect(transport.count == 1)

        let v3 = try OpenStackAccount(
            kind: "openstack",
            settings: ProviderSettings(kind: "openstack", username: "ann", secret: Secret(secret), settings: ["auth_url": "https://k.example.com/v3"]))
        let refused = ScriptedTransport([.success(HTTPResponse(status: 401, body: try Self.fixture("keystone-v3-unauthorized.json")))])
        let v3Error = try await #require(throws: NovaError.self) { try await Self.client(refused, account: v3).region() }
        #expect(v3Error.description.contains("HTTP 401 Unauthorized: The request you have made requires authentication"))
    }

    @Test func anExpiredTokenIsRenewedOnceAndTheCallRepeated() async throws {
        let account = try OpenStackAccount(kind: "rackspace", settings: Self.rackspace())
        let token = try Self.fixture("rackspace-token.json")
        let transport = ScriptedTransport([
            Self.ok(token), Self.status(401, #"{"unauthorized": {"code": 401, "message": "token expired"}}"#), Self.ok(token),
            Self.ok(Data(#"{"flavors": [{"id": "2", "name": "512MB", "ram": 512, "vcpus": 1, "disk": 20}]}"#.utf8)),
        ])
        let flavors = try await Self.client(transport, account: account).flavors()
        #expect(flavors.map(\.id) == ["2"])
        #expect(transport.sent.map { $0.url.lastPathComponent } == ["tokens", "detail", "tokens", "detail"])
        #expect(transport.sent[1].headers["X-Auth-Token"] == "token_1a38470e-7119-4779-9ffa-1a926770a936")
    }

    @Test func aTokenAboutToExpireIsRenewedBeforeTheCall() async throws {
        let account = try OpenStackAccount(kind: "rackspace", settings: Self.rackspace())
        let token = try Self.fixture("rackspace-token.json")
        let expires = try #require(try OpenStackToken.parseV2(token).expires)
        let pairs = Data(#"{"keypairs": []}"#.utf8)
        let transport = ScriptedTransport([Self.ok(token), Self.ok(pairs), Self.ok(token), Self.ok(pairs)])
        let clock = TestClock(expires.addingTimeInterval(-3600))
        let client = NovaClient(
            account: account, region: nil, transport: transport, sleep: { _ in }, random: { 0.5 }, now: { clock.now })
        _ = try await client.keyPairs()
        clock.now = expires.addingTimeInterval(-30)
        _ = try await client.keyPairs()
        #expect(transport.sent.map { $0.url.lastPathComponent } == ["tokens", "os-keypairs", "tokens", "os-keypairs"])
    }

    @Test func throttlingIsRetriedWithBackoffHonouringRetryAfterButAQuotaIsNot() async throws {
        let account = try OpenStackAccount(kind: "rackspace", settings: Self.rackspace())
        let token = try Self.fixture("rackspace-token.json")
        let sleeps = RecordedSleeps()
        let throttled = ScriptedTransport([
            Self.ok(token),
            .success(HTTPResponse(status: 413, body: try Self.fixture("nova-overlimit.json"), headers: ["Retry-After": "3"])),
            Self.status(429), Self.status(503),
            Self.ok(Data(#"{"keypairs": []}"#.utf8)),
        ])
        #expect(try await Self.client(throttled, account: account, sleeps: sleeps).keyPairs().isEmpty)
        #expect(sleeps.all == [.seconds(3), .milliseconds(150), .milliseconds(300)])

        let always = ScriptedTransport([Self.ok(token), Self.status(429)])
        let error = try await #require(throws: NovaError.self) { try await Self.client(always, account: account).keyPairs() }
        #expect(error == .throttled(what: "listing key pairs", attempts: 4))

        let quota = ScriptedTransport([
            Self.ok(token), .success(HTTPResponse(status: 403, body: try Self.fixture("nova-quota.json"))),
        ])
        let quotaError = try await #require(throws: NovaError.self) { try await Self.client(quota, account: account).keyPairs() }
        #expect(quotaError == .quota(message: "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances"))
        #expect(quota.count == 2)
    }

    @Test func serverAddressesPreferThePublicNetworkThenAccessIPv4ThenFloating() throws {
        func server(_ json: String) throws -> NovaServer {
            try JSONDecoder().decode(NovaServer.self, from: Data(json.utf8))
        }
        let rackspace = try server(
            #"{"id": "s", "name": "n", "status": "ACTIVE", "accessIPv4": "198.101.241.238", "image": "", "addresses": {"private": [{"addr": "10.180.1.2", "version": 4}], "public": [{"addr": "2001:db8::1", "version": 6}, {"addr": "198.101.241.60", "version": 4}]}}"#)
        #expect(rackspace.address == "198.101.241.60")
        #expect(rackspace.privateAddress == "10.180.1.2")
        #expect(rackspace.imageID == nil)
        let floating = try server(
            #"{"id": "s", "name": "n", "status": "BUILD", "accessIPv4": "", "addresses": {"tenant": [{"addr": "192.0.2.5", "version": 4, "OS-EXT-IPS:type": "fixed"}, {"addr": "203.0.113.9", "version": 4, "OS-EXT-IPS:type": "floating"}]}}"#)
        #expect(floating.address == "203.0.113.9")
        #expect(floating.nodeState == .running)
        let failed = try server(#"{"id": "s", "name": "n", "status": "ERROR", "fault": {"message": "No valid host", "code": 500}}"#)
        #expect(failed.nodeState == .failed && failed.faultText == "No valid host" && failed.address == nil)
    }

    @Test func flavorsAndImagesAreChosenAsTheNodesetAsks() throws {
        let flavors = [
            NovaFlavor(id: "general1-1", name: "1 GB General", ram: 1024, vcpus: 1, disk: 20),
            NovaFlavor(id: "3", name: "1GB Standard", ram: 1024, vcpus: 1, disk: 40),
            NovaFlavor(id: "2", name: "512MB Standard", ram: 512, vcpus: 1, disk: 20),
        ]
        let image = NovaImage(id: "i", name: "Debian 12", minRam: 512)
        #expect(try FlavorChoice.pick(.ram(megabytes: 256), section: "appserver", image: image, from: flavors).id == "2")
        #expect(try FlavorChoice.pick(.ram(megabytes: 600), section: "appserver", image: image, from: flavors).id == "general1-1")
        #expect(try FlavorChoice.pick(.id("3"), section: "balancer", image: image, from: flavors).id == "3")
        let unknown = try #require(throws: NovaError.self) {
            try FlavorChoice.pick(.id("1"), section: "appserver", image: image, from: flavors)
        }
        #expect(unknown.description.hasPrefix("[appserver] size \"id 1\" is not a flavor of this cloud; the flavors are:\n  id 2: "))

        let images = [
            NovaImage(id: "a", name: "Debian 12 (Bookworm) (PVHVM)", created: "2024-01-01"),
            NovaImage(id: "b", name: "debian-12-generic-amd64", created: "2025-06-01"),
            NovaImage(id: "c", name: "Debian 12 (Bookworm) (PVHVM)", status: "SAVING", created: "2026-01-01"),
            NovaImage(id: "d", name: "Ubuntu 24.04", created: "2026-01-01"),
        ]
        #expect(NovaImageChoice.debian12.matches(images).map(\.id) == ["b", "a"])
        #expect(try NovaImageChoice(setting: "Ubuntu*").matches(images).map(\.id) == ["d"])
        #expect(try NovaImageChoice(setting: "id a").matches(images).map(\.id) == ["a"])
        #expect(try NovaImageChoice(setting: "name debian 12 (*").matches(images).map(\.id) == ["a"])
    }
}

/// A clock a test moves by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date) {
        current = start
    }

    var now: Date {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }
}
