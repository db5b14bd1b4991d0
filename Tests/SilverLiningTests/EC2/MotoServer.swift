import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A moto server (`moto_server`, from `pip install 'moto[server]'`) on a free port of
/// 127.0.0.1, with request authentication switched on: after the first three actions, which
/// make an IAM user with an access key, every request must carry a valid SigV4 signature by
/// that key. Loads `Fixtures/ec2/moto-amis.json` as the region's images.
final class MotoServer: Sendable {
    let endpoint: String
    let accessKeyID: String
    let secretAccessKey: String
    private let emulator: EmulatorProcess
    var logPath: String { emulator.logPath }

    @TaskLocal static var current: MotoServer?

    /// `moto_server` on PATH, or `$MOTO_SERVER`.
    static let executable: String? = EmulatorProcess.executable("moto_server", variable: "MOTO_SERVER")

    static let skipReason: Comment = "moto_server is not on PATH: pip install 'moto[server]'"

    static var fixtures: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/ec2")
    }

    private init(endpoint: String, accessKeyID: String, secretAccessKey: String, emulator: EmulatorProcess) {
        self.endpoint = endpoint
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.emulator = emulator
    }

    /// moto's own dashboard answers the readiness probe: it is not an AWS action, so it does
    /// not use up the unauthenticated ones.
    static func start(executable: String, readyWithin timeout: Duration) async throws -> MotoServer {
        let emulator = try await EmulatorProcess.start(
            executable, name: "moto", arguments: { ["-H", "127.0.0.1", "-p", "\($0)"] },
            environment: [
                "INITIAL_NO_AUTH_ACTION_COUNT": "3",
                "MOTO_AMIS_PATH": fixtures.appendingPathComponent("moto-amis.json").path,
            ],
            probe: "/moto-api/", timeout: timeout)
        do {
            let keys = try runReader(["setup-iam", emulator.base], accessKeyID: "bootstrap", secretAccessKey: "bootstrap")
            let decoded = try JSONDecoder().decode([String: String].self, from: keys)
            return MotoServer(
                endpoint: emulator.base, accessKeyID: decoded["access_key_id"]!, secretAccessKey: decoded["secret_access_key"]!,
                emulator: emulator)
        } catch {
            emulator.stop()
            throw error
        }
    }

    func stop() {
        emulator.stop()
    }

    /// Runs `moto_reader.py` with this server's credentials and returns what it printed.
    func reader(_ arguments: [String]) throws -> Data {
        try Self.runReader(arguments, accessKeyID: accessKeyID, secretAccessKey: secretAccessKey)
    }

    func describe(nodeset: String) throws -> MotoView {
        try JSONDecoder().decode(MotoView.self, from: reader(["describe", endpoint, nodeset]))
    }

    private static func runReader(_ arguments: [String], accessKeyID: String, secretAccessKey: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", fixtures.appendingPathComponent("moto_reader.py").path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["AWS_ACCESS_KEY_ID"] = accessKeyID
        environment["AWS_SECRET_ACCESS_KEY"] = secretAccessKey
        environment["AWS_DEFAULT_REGION"] = "us-east-1"
        environment.removeValue(forKey: "AWS_SESSION_TOKEN")
        environment.removeValue(forKey: "AWS_PROFILE")
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw MotoError.failed("moto_reader.py \(arguments.first ?? "") failed:\n\(errorText)")
        }
        return data
    }

}

enum MotoError: Error, CustomStringConvertible {
    case failed(String)

    var description: String {
        switch self {
        case .failed(let text): text
        }
    }
}

/// What `moto_reader.py describe` reports.
struct MotoView: Decodable {
    struct Instance: Decodable {
        var id: String
        var state: String
        var type: String
        var image: String
        var key: String?
        var groups: [String]
        var tags: [String: String]
        var public_ip: String?
        var private_ip: String?
    }

    var instances: [Instance]
    var security_groups: [String: [String]]
    var key_pairs: [String]

    var live: [Instance] { instances.filter { $0.state != "terminated" } }
}

extension MotoServer: SuiteEmulator {
    static func start(executable: String) async throws -> MotoServer {
        try await start(executable: executable, readyWithin: .seconds(60))
    }

    static func withCurrent(_ server: MotoServer, _ body: @Sendable () async throws -> Void) async throws {
        try await $current.withValue(server) { try await body() }
    }
}

extension Trait where Self == EmulatorTrait<MotoServer> {
    /// One moto server around a whole suite.
    static var motoServer: Self { EmulatorTrait() }
}
