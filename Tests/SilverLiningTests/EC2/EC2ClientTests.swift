import Foundation
import SilverLining
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Answers requests from a list of canned responses, and remembers what it was sent.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var script: [Result<HTTPResponse, URLError>]
    private(set) var sent: [HTTPRequest] = []

    init(_ script: [Result<HTTPResponse, URLError>]) {
        self.script = script
    }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let next: Result<HTTPResponse, URLError> = lock.withLock {
            sent.append(request)
            return script.count > 1 ? script.removeFirst() : script[0]
        }
        return try next.get()
    }

    var count: Int { lock.withLock { sent.count } }
}

/// Remembers the waits the client asked for instead of waiting.
final class RecordedSleeps: @unchecked Sendable {
    private let lock = NSLock()
    private var delays: [Duration] = []

    func sleep(_ duration: Duration) {
        lock.withLock { delays.append(duration) }
    }

    var all: [Duration] { lock.withLock { delays } }
}

@Suite struct EC2ClientTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    static let token = "FQoGZXIvYXdzEXAMPLETOKEN"
    static let credentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: Secret(secret), sessionToken: Secret(token),
        source: "[provider] username and secret")

    static func client(_ transport: ScriptedTransport, sleeps: RecordedSleeps = RecordedSleeps(), random: Double = 0.5)
        -> EC2Client
    {
        EC2Client(
            region: "us-east-1", credentials: credentials, transport: transport,
            retry: RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(1)),
            sleep: { sleeps.sleep($0) }, random: { random })
    }

    static func response(_ fixture: String, status: Int = 400) throws -> Result<HTTPResponse, URLError> {
        .success(HTTPResponse(status: status, body: try EC2TestSupport.fixture(fixture)))
    }

    static let ok = Result<HTTPResponse, URLError>.success(
        HTTPResponse(
            status: 200,
            body: Data(
                "<DescribeKeyPairsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><keySet/></DescribeKeyPairsResponse>"
                    .utf8)))

    func failure(_ fixture: String, status: Int = 400) async throws -> EC2Error {
        let transport = ScriptedTransport([try Self.response(fixture, status: status)])
        return try await #require(throws: EC2Error.self) { try await Self.client(transport).call("RunInstances") }
    }

    @Test("AuthFailure is bad credentials, named by where they came from, secret-free")
    func authFailure() async throws {
        let error = try await failure("auth-failure.xml", status: 401)
        #expect(
            error
                == .badCredentials(
                    code: "AuthFailure", message: "AWS was not able to validate the provided access credentials",
                    credentials: "access key AKIDEXAMPLE from [provider] username and secret"))
        #expect(error.exitStatus == ExitStatus.badInput)
        #expect(error.description.contains("[provider] username and secret"))
        #expect(!error.description.contains(Self.secret))
    }

    @Test("SignatureDoesNotMatch keeps its first paragraph and never the session token it quotes")
    func signatureDoesNotMatch() async throws {
        let error = try await failure("signature-does-not-match.xml", status: 403)
        guard case .badCredentials(let code, let message, _) = error else {
            Issue.record("expected bad credentials, got \(error)")
            return
        }
        #expect(code == "SignatureDoesNotMatch")
        #expect(message.hasPrefix("The request signature we calculated does not match"))
        #expect(!error.description.contains(Self.token))
        #expect(!error.description.contains("Canonical String"))
    }

    @Test("InsufficientInstanceCapacity is a capacity error that suggests another size")
    func capacity() async throws {
        let error = try await failure("insufficient-instance-capacity.xml", status: 500)
        guard case .capacity(let code, let message) = error else {
            Issue.record("expected a capacity error, got \(error)")
            return
        }
        #expect(code == "InsufficientInstanceCapacity")
        #expect(message.contains("t3.micro capacity"))
        #expect(error.description.contains("`size`"))
    }

    @Test("VcpuLimitExceeded is an account limit")
    func quota() async throws {
        let error = try await failure("instance-limit-exceeded.xml")
        #expect(error.code == "VcpuLimitExceeded")
        guard case .quota = error else {
            Issue.record("expected a quota error, got \(error)")
            return
        }
        #expect(error.description.contains("limit"))
    }

    @Test("a throttled call is retried with growing, jittered waits and then succeeds")
    func throttlingThenSuccess() async throws {
        let throttled = try Self.response("request-limit-exceeded.xml", status: 503)
        let transport = ScriptedTransport([throttled, throttled, throttled, Self.ok])
        let sleeps = RecordedSleeps()
        _ = try await Self.client(transport, sleeps: sleeps, random: 1).call("DescribeKeyPairs")
        #expect(transport.count == 4)
        #expect(sleeps.all == [.milliseconds(100), .milliseconds(200), .milliseconds(400)])
        // Each attempt is signed afresh.
        #expect(transport.sent.allSatisfy { $0.headers["Authorization"]?.hasPrefix("AWS4-HMAC-SHA256 ") == true })
    }

    @Test("throttling on every attempt stops after the policy's attempts with a clear error")
    func throttlingForever() async throws {
        let transport = ScriptedTransport([try Self.response("request-limit-exceeded.xml", status: 503)])
        let sleeps = RecordedSleeps()
        let error = try await #require(throws: EC2Error.self) {
            try await Self.client(transport, sleeps: sleeps, random: 0).call("RunInstances")
        }
        #expect(error == .throttled(action: "RunInstances", attempts: 5))
        #expect(transport.count == 5)
        #expect(sleeps.all == [.milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(400)])
    }

    @Test("backoff: the ceiling doubles up to the maximum; jitter stays within its upper half")
    func retryPolicy() {
        let policy = RetryPolicy(maxAttempts: 10, baseDelay: .milliseconds(250), maxDelay: .seconds(2))
        #expect((1...6).map { policy.ceiling(beforeRetry: $0) }
            == [.milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(2), .seconds(2)])
        for retry in 1...8 {
            let ceiling = policy.ceiling(beforeRetry: retry)
            for random in [0.0, 0.3, 0.99, 1.0] {
                let delay = policy.delay(beforeRetry: retry, random: random)
                #expect(delay >= ceiling / 2 && delay <= ceiling)
            }
        }
    }

    @Test("client errors are not retried")
    func clientErrorsAreFinal() async throws {
        let transport = ScriptedTransport([try Self.response("auth-failure.xml", status: 401), Self.ok])
        await #expect(throws: EC2Error.self) { try await Self.client(transport).call("DescribeKeyPairs") }
        #expect(transport.count == 1)
    }

    @Test("a server error page is retried, and reported with its status if it persists")
    func serverErrors() async throws {
        let page = Result<HTTPResponse, URLError>.success(HTTPResponse(status: 502, body: Data("<html>Bad Gateway</html>".utf8)))
        let transport = ScriptedTransport([page])
        let error = try await #require(throws: EC2Error.self) { try await Self.client(transport).call("DescribeKeyPairs") }
        #expect(transport.count == 5)
        #expect(error.code == "HTTP502")
    }

    @Test("a region whose endpoint does not resolve is an unknown region; a given endpoint is unreachable instead")
    func unknownRegion() async throws {
        let transport = ScriptedTransport([.failure(URLError(.cannotFindHost))])
        let regional = EC2Client(region: "us-nowhere-9", credentials: Self.credentials, transport: transport)
        let error = try await #require(throws: EC2Error.self) { try await regional.call("DescribeRegions") }
        #expect(error == .unknownRegion("us-nowhere-9"))
        #expect(error.description.contains("[provider] region"))

        let given = EC2Client(
            region: "us-east-1", credentials: Self.credentials, endpoint: URL(string: "https://ec2.example.invalid"),
            transport: transport)
        let unreachable = try await #require(throws: EC2Error.self) { try await given.call("DescribeRegions") }
        guard case .unreachable = unreachable else {
            Issue.record("expected unreachable, got \(unreachable)")
            return
        }
    }

    @Test("timeouts are retried")
    func timeouts() async throws {
        let transport = ScriptedTransport([.failure(URLError(.timedOut)), Self.ok])
        _ = try await Self.client(transport).call("DescribeKeyPairs")
        #expect(transport.count == 2)
    }

    @Test("error documents are read whatever their root")
    func errorParsing() throws {
        let tree = try #require(XMLTree.parse(try EC2TestSupport.fixture("request-limit-exceeded.xml")))
        #expect(tree.name == "Response")
        #expect(tree["Errors", "Error"]?.string("Code") == "RequestLimitExceeded")
    }

    @Test("credentials print only their access key id and source")
    func credentialDescriptions() {
        let text = "\(Self.credentials) \(String(reflecting: Self.credentials)) \(Self.credentials.secretAccessKey)"
        #expect(!text.contains(Self.secret))
        #expect(!text.contains(Self.token))
        #expect(Self.credentials.redact("x \(Self.secret) y \(Self.token)") == "x ******** y ********")
    }
}
