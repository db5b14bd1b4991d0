import Dispatch
import Foundation

/// Ctrl-C (or SIGTERM) during work that must not stop half-way (a rollout): the first signal
/// cancels the work, which then puts things back as its failure rules say; a second one
/// exits at once.
public enum Interrupts {
    public static func cancelling<T: Sendable>(
        _ console: Console, _ work: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let task = Task { try await work() }
        let count = Counter()
        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler {
                if count.increment() == 1 {
                    console.warn("interrupted: stopping safely (press Ctrl-C again to quit at once)")
                    task.cancel()
                } else {
                    exit(128 + number)
                }
            }
            source.resume()
            return (number, source)
        }
        defer {
            for (number, source) in sources {
                source.cancel()
                signal(number, SIG_DFL)
            }
        }
        return try await task.value
    }
}

/// Counts interrupts; touched only from the signal source's serial queue.
private final class Counter: @unchecked Sendable {
    private var value = 0

    func increment() -> Int {
        value += 1
        return value
    }
}
