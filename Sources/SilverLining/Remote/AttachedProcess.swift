import Foundation
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

extension CommandRunner {
    /// Runs `command` on silver's own terminal: standard input, output and error are silver's,
    /// so a program that asks (a shell, a Python prompt, `ssh -t`) works as if run directly.
    /// Returns its exit status (128 + the signal for a killed one). Cancelling the task ends it.
    public func runAttached(_ command: Command, environment: [String: String] = [:], workingDirectory: String? = nil) async throws -> Int32 {
        let executable: Executable = command.program.contains("/") ? .path(FilePath(command.program)) : .name(command.program)
        let env: Subprocess.Environment = environment.isEmpty
            ? .inherit
            : .inherit.updating(Dictionary(uniqueKeysWithValues: environment.map { (Subprocess.Environment.Key(stringLiteral: $0.key), Optional($0.value)) }))
        do {
            let result = try await Subprocess.run(
                executable, arguments: Arguments(command.arguments), environment: env, workingDirectory: workingDirectory.map { FilePath($0) },
                input: .fileDescriptor(.standardInput, closeAfterSpawningProcess: false),
                output: .fileDescriptor(.standardOutput, closeAfterSpawningProcess: false),
                error: .fileDescriptor(.standardError, closeAfterSpawningProcess: false))
            switch result.terminationStatus {
            case .exited(let code): return Int32(code)
            case .signaled(let signal): return 128 + Int32(signal)
            }
        } catch let error as SubprocessError where error.code == .executableNotFound {
            throw CommandError.notFound(program: command.program)
        }
    }
}

extension SSH {
    /// `command` for a program that wants a terminal: ssh allocates one on the node (`-tt`,
    /// even when silver's own input is not a terminal).
    public func attachedCommand(_ remote: Command, address: String) -> Command {
        Command("ssh", ["-tt"] + options + [address, "--", remote.shellLine], step: remote.step)
    }
}
