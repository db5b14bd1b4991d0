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
    private let process: Process
    let logPath: String

    @TaskLocal static var current: MotoServer?

    /// `moto_server` on PATH, or `$MOTO_SERVER`.
    static let executable: String? = {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["MOTO_SERVER"], FileManager.default.isExecutableFile(atPath: explicit) {
            return explicit
        }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/moto_server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    static let skipReason: Comment = "moto_server is not on PATH: pip install 'moto[server]'"

    static var fixtures: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/ec2")
    }

    private init(endpoint: String, accessKeyID: String, secretAccessKey: String, process: Process, logPath: String) {
        self.endpoint = endpoint
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.process = process
        self.logPath = logPath
    }

    static func start(executable: String, readyWithin timeout: Duration = .seconds(60)) async throws -> MotoServer {
        let port = try freePort()
        let logPath = NSTemporaryDirectory() + "silver-moto-\(port).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-H", "127.0.0.1", "-p", "\(port)"]
        var environment = ProcessInfo.processInfo.environment
        environment["INITIAL_NO_AUTH_ACTION_COUNT"] = "3"
        environment["MOTO_AMIS_PATH"] = fixtures.appendingPathComponent("moto-amis.json").path
        process.environment = environment
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let endpoint = "http://127.0.0.1:\(port)"
        do {
            try await waitUntilReady(endpoint: endpoint, process: process, timeout: timeout, logPath: logPath)
            let keys = try runReader(["setup-iam", endpoint], accessKeyID: "bootstrap", secretAccessKey: "bootstrap")
            let decoded = try JSONDecoder().decode([String: String].self, from: keys)
            return MotoServer(
                endpoint: endpoint, accessKeyID: decoded["access_key_id"]!, secretAccessKey: decoded["secret_access_key"]!,
                process: process, logPath: logPath)
        } catch {
            stop(process)
            throw error
        }
    }

    /// Polls moto's own dashboard (which is not an AWS action, so it does not use up the
    /// unauthenticated ones) until it answers, the process dies, or `timeout` passes.
    private static func waitUntilReady(endpoint: String, process: Process, timeout: Duration, logPath: String) async throws {
        let deadline = ContinuousClock.now + timeout
        let probe = URL(string: endpoint + "/moto-api/")!
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                throw MotoError.failed("moto_server exited at start:\n\(log)")
            }
            if let (_, response) = try? await URLSession.shared.data(from: probe),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw MotoError.failed("moto_server did not answer on \(endpoint) within \(timeout)")
    }

    func stop() {
        Self.stop(process)
    }

    private static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline {
            usleep(50_000)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
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

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw MotoError.failed("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw MotoError.failed("could not find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
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

/// Starts one moto server around a whole suite and stops it afterwards, whether its tests
/// passed, failed or threw.
struct MotoServerTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard let executable = MotoServer.executable else {
            try await function()
            return
        }
        let server = try await MotoServer.start(executable: executable)
        defer { server.stop() }
        try await MotoServer.$current.withValue(server) {
            try await function()
        }
    }
}

extension Trait where Self == MotoServerTrait {
    static var motoServer: MotoServerTrait { MotoServerTrait() }
}
