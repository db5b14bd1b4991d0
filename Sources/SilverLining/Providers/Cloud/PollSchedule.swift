/// How a cloud provider waits for a server to change state: it looks again and again,
/// doubling the wait between looks up to `ceiling`, so that a long build costs few calls and
/// a quick one is seen quickly, until the answer comes or the timeout passes.
public struct PollSchedule: Sendable {
    public var first: Duration
    public var ceiling: Duration

    public init(first: Duration, ceiling: Duration) {
        self.first = first
        self.ceiling = ceiling
    }

    /// Calls `look` until it returns a value and returns that; throws `timedOut()` once
    /// `timeout` has passed without one.
    public func poll<T>(
        timeout: Duration, timedOut: () -> any Error, _ look: () async throws -> T?
    ) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        var interval = first
        while true {
            if let value = try await look() { return value }
            let now = ContinuousClock.now
            guard now < deadline else { throw timedOut() }
            try await Task.sleep(for: min(interval, deadline - now))
            interval = min(interval * 2, ceiling)
        }
    }
}
