/// How often and how patiently to retry a request a cloud throttled or could not serve:
/// exponential backoff with jitter, bounded in attempts. AWS and OpenStack ask clients to
/// back off this way so that many clients retrying at once spread out instead of colliding.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 6, baseDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(10)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The ceiling of the wait before retry number `retry` (1 for the first retry):
    /// `baseDelay * 2^(retry-1)`, at most `maxDelay`.
    public func ceiling(beforeRetry retry: Int) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        let grown = baseDelay * (1 << exponent)
        return min(grown, maxDelay)
    }

    /// The wait before retry number `retry`: half the ceiling plus a random part of the other
    /// half ("equal jitter"), so waits still grow while clients that failed together spread
    /// apart. `random` gives a number in 0...1.
    public func delay(beforeRetry retry: Int, random: Double) -> Duration {
        let ceiling = ceiling(beforeRetry: retry)
        let fraction = min(max(random, 0), 1)
        return ceiling / 2 + (ceiling / 2) * fraction
    }
}
