import Foundation

/// wrk against the balancer for as long as a test needs, not for a fixed time: started
/// before the commands under test, stopped (SIGINT, after which wrk prints its totals) once
/// they are done.
final class ContinuousLoad: Sendable {
    private let process: Process
    private let output: Pipe

    init(_ address: String, host: String, connections: Int = 8) throws {
        process = Process()
        output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        process.arguments = ["-t", "2", "-c", String(connections), "-d", "3600s", "-H", "Host: \(host)", "http://\(address)/"]
        process.standardOutput = output
        process.standardError = output
        // The child inherits this thread's signal mask, and the test runner's threads block
        // SIGINT: wrk would never see the one that stops it.
        var interrupt = sigset_t()
        var previous = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
    }

    /// Stops wrk and reads its totals: every answer that is not 2xx or 3xx, and every socket
    /// error, is a failed request.
    func stop() async -> LoadResult {
        process.interrupt()
        let (process, output) = (process, output)
        return await Task.detached {
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return LoadResult(wrkOutput: String(decoding: data, as: UTF8.self))
        }.value
    }
}
