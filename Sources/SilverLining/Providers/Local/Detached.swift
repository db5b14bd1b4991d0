import Foundation
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// Starts a long-lived process that outlives silver: in its own session (so a Ctrl-C at
/// silver's terminal does not reach it), with its output in a log file rather than a pipe
/// (a pipe would keep silver waiting for as long as the process lives).
enum Detached {
    static func launch(_ command: Command, log: String) async throws {
        guard let program = LocalHost.findProgram(command.program) else {
            throw CommandError.notFound(program: command.program)
        }
        let descriptor = try FileDescriptor.open(
            FilePath(log), .writeOnly, options: [.create, .truncate, .closeOnExec], permissions: [.ownerReadWrite])
        // setsid --fork returns as soon as the program runs in its new session.
        let result = try await Subprocess.run(
            .name("setsid"),
            arguments: Arguments(["--fork", program] + command.arguments),
            input: .none,
            output: .fileDescriptor(descriptor, closeAfterSpawningProcess: false),
            error: .fileDescriptor(descriptor, closeAfterSpawningProcess: false)
        )
        try? descriptor.close()
        guard result.terminationStatus.isSuccess else {
            throw CommandError.failed(command: command, status: result.terminationStatus.code, errorOutput: "setsid failed")
        }
    }
}
