import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A cloud API emulator (moto, mimic) a suite runs on a free port of 127.0.0.1, logging to a
/// file, and stops afterwards.
final class EmulatorProcess: Sendable {
    let port: Int
    let logPath: String
    private let process: Process

    private init(port: Int, logPath: String, process: Process) {
        self.port = port
        self.logPath = logPath
        self.process = process
    }

    /// Starts `executable` with the arguments `arguments(port)` gives, then polls `probe`
    /// (a path on the emulator) until it answers 200, the process dies, or `timeout` passes.
    static func start(
        _ executable: String, name: String, arguments: (Int) -> [String], environment: [String: String] = [:],
        probe: String, timeout: Duration = .seconds(60)
    ) async throws -> EmulatorProcess {
        let port = try freePort()
        let logPath = NSTemporaryDirectory() + "silver-\(name)-\(port).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments(port)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = URL(fileURLWithPath: NSTemporaryDirectory())
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let emulator = EmulatorProcess(port: port, logPath: logPath, process: process)
        let deadline = ContinuousClock.now + timeout
        let url = URL(string: "\(emulator.base)\(probe)")!
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw EmulatorError("\(name) exited at start:\n\(emulator.log)") }
            if let (_, response) = try? await URLSession.shared.data(from: url), (response as? HTTPURLResponse)?.statusCode == 200 {
                return emulator
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        emulator.stop()
        throw EmulatorError("\(name) did not answer on \(emulator.base) within \(timeout)")
    }

    var base: String { "http://127.0.0.1:\(port)" }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func stop() {
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

    /// A port the kernel just gave out and took back: free for the emulator to bind.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw EmulatorError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw EmulatorError("could not find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// `name` on PATH, or the path in the environment variable `variable`.
    static func executable(_ name: String, variable: String) -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment[variable], FileManager.default.isExecutableFile(atPath: explicit) {
            return explicit
        }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

struct EmulatorError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// A test's handle on an emulator a suite shares: how to find it, start it and stop it.
protocol SuiteEmulator: Sendable {
    /// The emulator's program, nil when it is not installed (the suite is then skipped).
    static var executable: String? { get }
    static func start(executable: String) async throws -> Self
    /// Runs `body` with `server` as the suite's current emulator.
    static func withCurrent(_ server: Self, _ body: @Sendable () async throws -> Void) async throws
    func stop()
}

/// Starts one emulator around a whole suite and stops it afterwards, whether its tests
/// passed, failed or threw.
struct EmulatorTrait<Server: SuiteEmulator>: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard let executable = Server.executable else {
            try await function()
            return
        }
        let server = try await Server.start(executable: executable)
        defer { server.stop() }
        try await Server.withCurrent(server) { try await function() }
    }
}
