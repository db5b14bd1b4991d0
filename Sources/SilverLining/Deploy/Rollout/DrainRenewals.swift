import Synchronization

/// Keeps each drained app server's drain from expiring while silver still works on it: a
/// task per server that asks again every `interval`. Ending one waits for a renewal already
/// on its way, so that no renewal lands after the server is back in rotation.
final class DrainRenewals: Sendable {
    let interval: Duration
    private let tasks = Mutex<[String: Task<Void, Never>]>([:])

    init(every interval: Duration) {
        self.interval = interval
    }

    func keep(_ server: String, renew: @escaping @Sendable () async throws -> Void) {
        let interval = interval
        let task = Task {
            while (try? await Task.sleep(for: interval)) != nil {
                // Its own task: cancelling the loop must not cut a renewal off half-way.
                _ = await Task { try? await renew() }.value
            }
        }
        tasks.withLock { $0.updateValue(task, forKey: server) }?.cancel()
    }

    func end(_ server: String) async {
        guard let task = tasks.withLock({ $0.removeValue(forKey: server) }) else { return }
        task.cancel()
        await task.value
    }
}
