import Dispatch
import Foundation

/// Ctrl-C during work that must not stop half-way (a rollout): the first interrupt cancels
/// the work, which then puts things back as its failure rules say; a second one exits at once.
public enum Interrupts {
    public static func cancelling<T: Sendable>(
        _ console: Console, _ work: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let task = Task { try await work() }
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT)
        let count = Counter()
        source.setEventHandler {
            if count.increment() == 1 {
                console.warn("interrupted: stopping safely (press Ctrl-C again to quit at once)")
                task.cancel()
            } else {
                exit(130)
            }
        }
        source.resume()
        defer {
            source.cancel()
            signal(SIGINT, SIG_DFL)
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
