import FoundationEssentials
import Subprocess

#if canImport(Glibc)
    import Glibc
#endif

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// Runs `Command`s as local processes. Every process silver starts (ssh, rsync,
/// systemd-nspawn, debootstrap, ...) goes through here.
public struct CommandRunner: Sendable {
    /// Output beyond this is an error rather than silently truncated.
    public static let outputLimit = 256 * 1024 * 1024

    public init() {}

    /// Writing input to a child that exited without reading it raises SIGPIPE, whose default
    /// action kills silver itself, with no message. Ignored, the write fails with EPIPE
    /// instead, which `run` treats as the child's business (its exit status says the rest).
    private static let brokenPipesIgnored: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// Runs `command` to completion. A non-zero exit is a result, not an error; a program
    /// that cannot be started is `CommandError.notFound`. `onLine` receives standard output
    /// and standard error line by line as they arrive, for progress.
    public func run(
        _ command: Command,
        environment: [String: String] = [:],
        workingDirectory: String? = nil,
        onLine: (@Sendable (CommandStream, String) -> Void)? = nil
    ) async throws -> CommandResult {
        Self.brokenPipesIgnored
        let executable: Executable = command.program.contains("/") ? .path(FilePath(command.program)) : .name(command.program)
        let env: Environment = environment.isEmpty
            ? .inherit
            : .inherit.updating(Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(stringLiteral: $0.key), Optional($0.value)) }))
        do {
            let result = try await Subprocess.run(
                executable,
                arguments: Arguments(command.arguments),
                environment: env,
                workingDirectory: workingDirectory.map { FilePath($0) },
                input: .inputWriter,
                output: .sequence,
                error: .sequence
            ) { execution in
                let writer = execution.standardInputWriter
                let input = command.input
                async let written: Void = {
                    if !input.isEmpty {
                        _ = try await writer.write(input)
                    }
                    try await writer.finish()
                }()
                async let out = CommandRunner.collect(execution.standardOutput, stream: .output, onLine: onLine)
                async let err = CommandRunner.collect(execution.standardError, stream: .error, onLine: onLine)
                // A child that exits without reading its input makes the write fail: that
                // is the child's business, reported through its exit status.
                _ = try? await written
                return try await (out, err)
            }
            return CommandResult(
                status: result.terminationStatus.code,
                output: result.closureResult.0,
                errorOutput: result.closureResult.1
            )
        } catch let error as SubprocessError where error.code == .executableNotFound {
            throw CommandError.notFound(program: command.program)
        }
    }

    /// Runs `command` and throws `CommandError.failed` unless it exits 0.
    @discardableResult
    public func check(
        _ command: Command, environment: [String: String] = [:], workingDirectory: String? = nil,
        onLine: (@Sendable (CommandStream, String) -> Void)? = nil
    ) async throws -> CommandResult {
        let result = try await run(command, environment: environment, workingDirectory: workingDirectory, onLine: onLine)
        guard result.succeeded else {
            throw CommandError.failed(command: command, status: result.status, errorOutput: result.errorText)
        }
        return result
    }

    /// Starts a long-lived process that outlives silver: in its own session (so a Ctrl-C at
    /// silver's terminal does not reach it), with its output in a log file rather than a
    /// pipe (a pipe would keep this call waiting for as long as the process lives).
    public func launchDetached(_ command: Command, log: String) async throws {
        let descriptor = try FileDescriptor.open(
            FilePath(log), .writeOnly, options: [.create, .truncate, .closeOnExec], permissions: [.ownerReadWrite])
        defer { try? descriptor.close() }
        // setsid --fork returns as soon as the program runs in its new session.
        let result = try await Subprocess.run(
            .name("setsid"),
            arguments: Arguments(["--fork"] + command.words),
            input: .none,
            output: .fileDescriptor(descriptor, closeAfterSpawningProcess: false),
            error: .fileDescriptor(descriptor, closeAfterSpawningProcess: false)
        )
        guard result.terminationStatus.isSuccess else {
            let log = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw CommandError.failed(command: command, status: result.terminationStatus.code, errorOutput: log)
        }
    }

    private static func collect(
        _ sequence: SubprocessOutputSequence, stream: CommandStream, onLine: (@Sendable (CommandStream, String) -> Void)?
    ) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        var lineStart = 0
        for try await buffer in sequence {
            buffer.withUnsafeBytes { bytes.append(contentsOf: $0) }
            guard bytes.count <= outputLimit else { throw CommandError.tooMuchOutput(limit: outputLimit) }
            guard let onLine else { continue }
            while let newline = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
                onLine(stream, String(decoding: bytes[lineStart..<newline], as: UTF8.self))
                lineStart = newline + 1
            }
        }
        if let onLine, lineStart < bytes.count {
            onLine(stream, String(decoding: bytes[lineStart...], as: UTF8.self))
        }
        return bytes
    }
}

public enum CommandStream: Sendable {
    case output
    case error
}

extension TerminationStatus {
    /// The exit status, or 128 + the signal number for a killed process, as a shell reports it.
    var code: Int32 {
        switch self {
        case .exited(let code): Int32(code)
        case .signaled(let signal): 128 + Int32(signal)
        }
    }
}

public enum CommandError: UserFacingError {
    case notFound(program: String)
    case failed(command: Command, status: Int32, errorOutput: String)
    case tooMuchOutput(limit: Int)

    public var exitStatus: Int32 { ExitStatus.failure }

    public var description: String {
        switch self {
        case .notFound(let program):
            "\(program) is not installed or not on PATH; install it (see the README's setup command) and retry"
        case .failed(let command, let status, let errorOutput):
            "\(command.step) failed with exit status \(status): \(command)"
                + (errorOutput.isEmpty ? "" : "\n" + errorOutput.trimmed)
        case .tooMuchOutput(let limit):
            "a command printed more than \(limit / 1024 / 1024) MB; refusing to buffer it"
        }
    }
}
