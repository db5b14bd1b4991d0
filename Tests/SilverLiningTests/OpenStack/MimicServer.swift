import Foundation
import SilverLining
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// mimic, Rackspace's API emulator (`scripts/install-mimic`), on a free port of 127.0.0.1.
/// Its clock stands still unless a test ticks it (`/mimic/v1.1/tick`), so builds and
/// failures timed by its behaviours happen exactly when a test says. mimic keeps servers per
/// account: each test signs in with a username of its own.
final class MimicServer: Sendable {
    let emulator: EmulatorProcess

    @TaskLocal static var current: MimicServer?

    /// `mimic` on PATH (scripts/install-mimic links it), or `$MIMIC`.
    static let executable: String? = EmulatorProcess.executable("mimic", variable: "MIMIC")

    static let skipReason: Comment = "mimic is not on PATH: run scripts/install-mimic"

    /// mimic's catalog lists Nova in these regions; the token's default is DFW.
    static let regions = ["DFW", "IAD", "ORD"]

    private init(emulator: EmulatorProcess) {
        self.emulator = emulator
    }

    static func start(executable: String) async throws -> MimicServer {
        let emulator = try await EmulatorProcess.start(
            executable, name: "mimic", arguments: { ["--listen", "tcp:\($0):interface=127.0.0.1"] }, probe: "/")
        return MimicServer(emulator: emulator)
    }

    func stop() {
        emulator.stop()
    }

    /// The identity URL as OpenStack clients take it: what `[provider] endpoint` names.
    var identityURL: String { emulator.base + "/identity/v2.0/" }

    /// Signs in as `username` (any API key will do) and finds its Nova and Nova control
    /// endpoints in DFW.
    func account(_ username: String) async throws -> MimicAccount {
        let (status, body) = try await Self.request(
            "POST", emulator.base + "/identity/v2.0/tokens",
            json: ["auth": ["RAX-KSKEY:apiKeyCredentials": ["username": username, "apiKey": "any"]]])
        guard status == 200 else { throw EmulatorError("mimic refused to sign in \(username): \(status)") }
        let access = try #require((try JSONSerialization.jsonObject(with: body) as? [String: Any])?["access"] as? [String: Any])
        let token = try #require((access["token"] as? [String: Any])?["id"] as? String)
        let catalog = try #require(access["serviceCatalog"] as? [[String: Any]])
        func endpoint(_ name: String) throws -> String {
            let service = try #require(catalog.first { $0["name"] as? String == name })
            let endpoints = try #require(service["endpoints"] as? [[String: Any]])
            return try #require(endpoints.first { $0["region"] as? String == "DFW" }?["publicURL"] as? String)
        }
        return MimicAccount(
            username: username, token: token, nova: try endpoint("cloudServersOpenStack"), control: try endpoint("cloudServersBehavior"))
    }

    /// Moves mimic's clock on, firing whatever its behaviours scheduled (a build finishing, an
    /// ACTIVE server going to ERROR).
    func tick(_ seconds: Double) async throws {
        let (status, _) = try await Self.request("POST", emulator.base + "/mimic/v1.1/tick", json: ["amount": seconds])
        guard status == 200 else { throw EmulatorError("mimic refused to tick: \(status)") }
    }

    /// Makes the identity service refuse every sign-in whose username matches `pattern`.
    func refuseSignIn(usernames pattern: String) async throws {
        let (status, _) = try await Self.request(
            "POST", emulator.base + "/mimic/v1.1/IdentityControlAPI/behaviors/auth",
            json: ["criteria": [["username": pattern]], "name": "fail", "parameters": [:] as [String: Any]])
        guard status == 201 else { throw EmulatorError("mimic refused the auth behaviour: \(status)") }
    }

    static func request(_ method: String, _ url: String, json: Any? = nil, token: String? = nil) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let token { request.setValue(token, forHTTPHeaderField: "X-Auth-Token") }
        if let json { request.httpBody = try JSONSerialization.data(withJSONObject: json) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}

/// One mimic account, as a test sees it from outside silver.
struct MimicAccount: Sendable {
    let username: String
    let token: String
    let nova: String
    let control: String

    /// The account's servers in DFW that are not deleted.
    func servers() async throws -> [NovaServer] {
        struct Answer: Decodable { var servers: [NovaServer] }
        let (_, body) = try await MimicServer.request("GET", nova + "/servers/detail", token: token)
        return try JSONDecoder().decode(Answer.self, from: body).servers
    }

    func keyPairNames() async throws -> [String] {
        let (_, body) = try await MimicServer.request("GET", nova + "/os-keypairs", token: token)
        let pairs = (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["keypairs"] as? [[String: Any]] ?? []
        return pairs.compactMap { ($0["keypair"] as? [String: Any])?["name"] as? String }.sorted()
    }

    /// Registers a server-creation behaviour (`fail`, `error`, `active-then-error`, `build`,
    /// `false-negative`) for servers whose name matches `pattern`; returns its id.
    @discardableResult
    func behave(_ name: String, servers pattern: String, parameters: [String: Any] = [:]) async throws -> String {
        let (status, body) = try await MimicServer.request(
            "POST", control + "/behaviors/creation", json: ["criteria": [["server_name": pattern]], "name": name, "parameters": parameters],
            token: token)
        guard status == 201, let id = (try JSONSerialization.jsonObject(with: body) as? [String: Any])?["id"] as? String else {
            throw EmulatorError("mimic refused the \(name) behaviour: \(status)")
        }
        return id
    }

    func forget(behavior id: String) async throws {
        let (status, _) = try await MimicServer.request("DELETE", control + "/behaviors/creation/\(id)", token: token)
        guard status == 204 else { throw EmulatorError("mimic kept behaviour \(id): \(status)") }
    }

    /// mimic's images stop at Debian 8. Rackspace publishes Debian 12 as "Debian 12
    /// (Bookworm) (PVHVM)": this makes such an image through Nova's own createImage (a
    /// snapshot of a scratch server), so that silver's default image exists, as on Rackspace.
    func publishDebian12() async throws {
        struct Images: Decodable { var images: [NovaImage] }
        let (_, list) = try await MimicServer.request("GET", nova + "/images/detail", token: token)
        let images = try JSONDecoder().decode(Images.self, from: list).images
        if images.contains(where: { $0.name.hasPrefix("Debian 12") }) { return }
        let base = try #require(images.first { $0.name.hasPrefix("Debian 8") })
        let (_, created) = try await MimicServer.request(
            "POST", nova + "/servers", json: ["server": ["name": "image-builder", "flavorRef": "2", "imageRef": base.id]], token: token)
        let id = try #require(((try JSONSerialization.jsonObject(with: created) as? [String: Any])?["server"] as? [String: Any])?["id"] as? String)
        let (status, _) = try await MimicServer.request(
            "POST", nova + "/servers/\(id)/action", json: ["createImage": ["name": "Debian 12 (Bookworm) (PVHVM)"]], token: token)
        guard status == 202 else { throw EmulatorError("mimic refused createImage: \(status)") }
        _ = try await MimicServer.request("DELETE", nova + "/servers/\(id)", token: token)
    }
}

extension MimicServer: SuiteEmulator {
    static func withCurrent(_ server: MimicServer, _ body: @Sendable () async throws -> Void) async throws {
        try await $current.withValue(server) { try await body() }
    }
}

extension Trait where Self == EmulatorTrait<MimicServer> {
    /// One mimic around a whole suite.
    static var mimicServer: Self { EmulatorTrait() }
}
