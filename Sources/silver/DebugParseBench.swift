import ArgumentParser
import Foundation
import SilverLining

/// Hidden: times the nodeset parser in-process for `bench/config-parse.sh`, without the
/// process start-up that dominates timing `silver show` from outside.
struct DebugParseBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug-parse-bench",
        abstract: "Parse a nodeset N times and print the time per parse.",
        shouldDisplay: false
    )

    @Argument(help: "The nodeset file to parse.")
    var file: String

    @Argument(help: "How many times to parse it.")
    var iterations: Int = 1000

    func run() async throws {
        try await runCommand {
            let clock = ContinuousClock()
            var fastest = Duration.seconds(1_000)
            let total = try clock.measure {
                for _ in 0..<max(1, iterations) {
                    let one = try clock.measure { _ = try NodesetLoader.load(path: file) }
                    fastest = min(fastest, one)
                }
            }
            let mean = total / max(1, iterations)
            print("\(file): \(iterations) parses, mean \(microseconds(mean)) µs, fastest \(microseconds(fastest)) µs")
        }
    }

    private func microseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(format: "%.1f", Double(seconds) * 1e6 + Double(attoseconds) / 1e12)
    }
}
