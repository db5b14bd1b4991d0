/// Remembers the result of work keyed by `Key`, so that nodes created in parallel share one
/// lookup (the image, the sizes) instead of each asking the cloud. Concurrent askers
/// await the same task; a failure is forgotten so a later call can try again.
actor Memo<Key: Hashable & Sendable, Value: Sendable> {
    private var tasks: [Key: Task<Value, any Error>] = [:]

    func value(for key: Key, compute: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let task = tasks[key] {
            return try await task.value
        }
        let task = Task { try await compute() }
        tasks[key] = task
        do {
            return try await task.value
        } catch {
            if tasks[key] == task { tasks[key] = nil }
            throw error
        }
    }

    /// Replaces what is remembered for `key` (after work that must run again every time).
    func set(_ value: Value, for key: Key) {
        tasks[key] = Task { value }
    }
}
