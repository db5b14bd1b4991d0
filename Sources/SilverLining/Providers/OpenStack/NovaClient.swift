import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Talks to a Nova (OpenStack Compute v2) endpoint found through the identity service. It
/// signs in lazily and keeps the token, signs in again when the token expires or Nova
/// answers 401, and retries throttled (413, 429, 503) and timed-out requests with backoff.
public struct NovaClient: Sendable {
    public let account: OpenStackAccount
    /// `[provider] region`; nil takes the account's default region.
    public let requestedRegion: String?
    public var retry: RetryPolicy
    let transport: any HTTPTransport
    let sleep: @Sendable (Duration) async throws -> Void
    let random: @Sendable () -> Double
    let now: @Sendable () -> Date
    private let sessions: SessionCache

    /// A token and the compute endpoint it opened.
    struct Session: Sendable {
        var token: OpenStackToken
        var region: String
        var compute: URL
    }

    public init(
        account: OpenStackAccount, region: String?, transport: any HTTPTransport = URLSessionTransport(),
        retry: RetryPolicy = RetryPolicy(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.account = account
        self.requestedRegion = region
        self.transport = transport
        self.retry = retry
        self.sleep = sleep
        self.random = random
        self.now = now
        sessions = SessionCache()
    }

    /// The region the nodeset's servers live in (signing in to learn it if need be).
    public func region() async throws -> String {
        try await session().region
    }

    // MARK: Identity

    func session() async throws -> Session {
        try await sessions.current(now: now()) { try await signIn() }
    }

    /// Asks the identity service for a token and picks the compute endpoint from its catalog.
    func signIn() async throws -> Session {
        let url = account.tokensURL
        let request = HTTPRequest(
            method: "POST", url: url, headers: ["Content-Type": "application/json", "Accept": "application/json"],
            body: account.tokenRequestBody())
        let response = try await send(request, what: "signing in at \(account.identityURL.absoluteString)", retrying: true)
        if response.status == 401 || response.status == 403 {
            let fault = OpenStackFault.parse(status: response.status, body: response.body)
            throw NovaError.badCredentials(
                account: account.description,
                message: account.redact("HTTP \(response.status) \(fault.code): \(fault.message)"))
        }
        guard (200..<300).contains(response.status) else {
            throw failure(response, what: "signing in at \(account.identityURL.absoluteString)")
        }
        let token: OpenStackToken
        switch account.method {
        case .rackspaceAPIKey, .passwordV2: token = try OpenStackToken.parseV2(response.body)
        case .passwordV3: token = try OpenStackToken.parseV3(response.body, subjectToken: response.headers["x-subject-token"])
        }
        let compute = try token.catalog.compute(region: requestedRegion, defaultRegion: token.defaultRegion)
        return Session(token: token, region: compute.region, compute: compute.url)
    }

    // MARK: Compute

    /// Calls Nova at `path` (relative to the compute endpoint, e.g. `servers/detail`) and
    /// returns a 2xx answer, or nil for a 404 when `notFoundIsNil`. `retrying: false` is for
    /// calls that must not be repeated blindly (creating a server).
    func call(
        _ method: String, _ path: String, json: Data? = nil, what: String, retrying: Bool = true,
        notFoundIsNil: Bool = false
    ) async throws -> Data? {
        var renewed = false
        while true {
            let session = try await session()
            var headers = ["Accept": "application/json", "X-Auth-Token": session.token.id.reveal()]
            if json != nil { headers["Content-Type"] = "application/json" }
            let url = Self.url(session.compute, path)
            let response = try await send(
                HTTPRequest(method: method, url: url, headers: headers, body: json ?? Data()), what: what, retrying: retrying)
            if (200..<300).contains(response.status) { return response.body }
            if response.status == 404, notFoundIsNil { return nil }
            if response.status == 401, !renewed {
                // The token expired (or was revoked) since it was issued: sign in once more.
                await sessions.forget(session.token.id)
                renewed = true
                continue
            }
            throw failure(response, what: what)
        }
    }

    /// `base` + `path`, keeping a query string in `path` as written.
    static func url(_ base: URL, _ path: String) -> URL {
        let text = base.absoluteString.hasSuffix("/") ? String(base.absoluteString.dropLast()) : base.absoluteString
        return URL(string: text + "/" + path)!
    }

    func failure(_ response: HTTPResponse, what: String) -> NovaError {
        let fault = OpenStackFault.parse(status: response.status, body: response.body)
        let message = account.redact(fault.message)
        if [403, 413].contains(response.status), fault.isQuota { return .quota(message: message) }
        return .api(what: what, status: response.status, code: fault.code, message: message)
    }

    /// Sends one request, retrying throttling answers (413 without a quota message, 429,
    /// 503) and timeouts with backoff, waiting at least what `Retry-After` asks.
    func send(_ request: HTTPRequest, what: String, retrying: Bool) async throws -> HTTPResponse {
        var attempt = 0
        while true {
            attempt += 1
            let canRetry = retrying && attempt < retry.maxAttempts
            let response: HTTPResponse
            do {
                response = try await transport.send(request)
            } catch let error as URLError {
                if canRetry, [.timedOut, .networkConnectionLost].contains(error.code) {
                    try await sleep(retry.delay(beforeRetry: attempt, random: random()))
                    continue
                }
                let base = request.url.host.map { "\(request.url.scheme ?? "https")://\($0)" + (request.url.port.map { ":\($0)" } ?? "") }
                throw NovaError.unreachable(url: base ?? request.url.absoluteString, reason: error.localizedDescription)
            }
            guard Self.isThrottled(response) else { return response }
            guard canRetry else {
                if retrying { throw NovaError.throttled(what: what, attempts: attempt) }
                return response
            }
            var delay = retry.delay(beforeRetry: attempt, random: random())
            if let seconds = response.headers["retry-after"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) {
                delay = max(delay, min(.seconds(seconds), retry.maxDelay * 6))
            }
            try await sleep(delay)
        }
    }

    static func isThrottled(_ response: HTTPResponse) -> Bool {
        switch response.status {
        case 429, 503: true
        case 413: !OpenStackFault.parse(status: 413, body: response.body).isQuota
        default: false
        }
    }
}

/// The current session, shared by every request of one run: one sign-in however many nodes
/// ask at once, and a new one when the token is about to expire or was refused.
private actor SessionCache {
    private var task: Task<NovaClient.Session, any Error>?

    func current(now: Date, signIn: @escaping @Sendable () async throws -> NovaClient.Session) async throws -> NovaClient.Session {
        if let task {
            if let session = try? await task.value {
                if let expires = session.token.expires, expires.timeIntervalSince(now) < 60 {
                    self.task = nil
                } else {
                    return session
                }
            } else if self.task == task {
                self.task = nil
            }
        }
        if let task = self.task { return try await task.value }
        let next = Task { try await signIn() }
        task = next
        do {
            return try await next.value
        } catch {
            if task == next { task = nil }
            throw error
        }
    }

    func forget(_ token: Secret) async {
        if let task, let session = try? await task.value, session.token.id == token {
            self.task = nil
        }
    }
}
