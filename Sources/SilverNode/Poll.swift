/// The one way silver waits for something it cannot await: check, sleep `interval`, check
/// again, until the check passes or `deadline` has passed. Returns whether it passed; the
/// check always runs at least once, and once more at the deadline, so a slow check is never
/// cut short by the clock alone.
@discardableResult
public func poll(
    every interval: Duration = .milliseconds(50), deadline: Duration, until done: () async throws -> Bool
) async rethrows -> Bool {
    let clock = ContinuousClock()
    let end = clock.now.advanced(by: deadline)
    while true {
        if try await done() { return true }
        guard clock.now < end, !Task.isCancelled else { return false }
        try? await Task.sleep(for: min(interval, end - clock.now))
    }
}

/// Like `poll`, for checks that find something: the first value `find` returns, or nil when
/// the deadline passed first.
public func poll<Value>(
    every interval: Duration = .milliseconds(50), deadline: Duration, find: () async throws -> Value?
) async rethrows -> Value? {
    var found: Value?
    try await poll(every: interval, deadline: deadline) {
        found = try await find()
        return found != nil
    }
    return found
}
