import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The parameters of one EC2 Query API call, in the API's flattened form: lists become
/// `Name.1`, `Name.2`, ...; filters `Filter.N.Name` and `Filter.N.Value.M`.
public struct EC2Parameters: Sendable {
    public private(set) var pairs: [(name: String, value: String)] = []
    private var filterCount = 0

    public init() {}

    public mutating func set(_ name: String, _ value: String) {
        pairs.append((name, value))
    }

    public mutating func list(_ prefix: String, _ values: [String]) {
        for (index, value) in values.enumerated() {
            pairs.append(("\(prefix).\(index + 1)", value))
        }
    }

    public mutating func filter(_ name: String, _ values: [String]) {
        filterCount += 1
        pairs.append(("Filter.\(filterCount).Name", name))
        list("Filter.\(filterCount).Value", values)
    }
}

/// An error response as EC2 sends it (`<Response><Errors><Error><Code>...`).
struct EC2ErrorResponse: Equatable {
    var status: Int
    var code: String
    var message: String

    /// Reads EC2's error document; anything else (an HTML error page from a proxy) becomes
    /// `HTTP<status>` with the start of the body as the message.
    static func parse(status: Int, body: Data) -> EC2ErrorResponse {
        if let tree = XMLTree.parse(body), let error = firstError(in: tree), let code = error.string("Code") {
            return EC2ErrorResponse(status: status, code: code, message: error.string("Message") ?? "")
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return EC2ErrorResponse(status: status, code: "HTTP\(status)", message: text)
    }

    private static func firstError(in tree: XMLTree) -> XMLTree? {
        if tree.name == "Error", tree.child("Code") != nil { return tree }
        for child in tree.children {
            if let found = firstError(in: child) { return found }
        }
        return nil
    }

    static let credentialCodes: Set<String> = [
        "AuthFailure", "InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException",
        "InvalidAccessKeyId", "IncompleteSignature", "MissingAuthenticationToken", "ExpiredToken", "RequestExpired",
    ]
    static let throttlingCodes: Set<String> = [
        "RequestLimitExceeded", "Throttling", "ThrottlingException", "RequestThrottled", "RequestThrottledException",
        "TooManyRequestsException",
    ]
    static let quotaCodes: Set<String> = [
        "InstanceLimitExceeded", "VcpuLimitExceeded", "MaxSpotInstanceCountExceeded", "ResourceLimitExceeded",
        "SecurityGroupLimitExceeded", "RulesPerSecurityGroupLimitExceeded", "AddressLimitExceeded",
    ]
    static let capacityCodes: Set<String> = [
        "InsufficientInstanceCapacity", "InsufficientHostCapacity", "InsufficientReservedInstanceCapacity",
        "InsufficientCapacity", "InsufficientAddressCapacity",
    ]
    static let serverCodes: Set<String> = ["InternalError", "InternalFailure", "ServiceUnavailable", "Unavailable"]

    var isThrottling: Bool { Self.throttlingCodes.contains(code) }

    /// Worth another try: AWS's own failures, which are usually brief.
    var isTransient: Bool { Self.serverCodes.contains(code) || (code.hasPrefix("HTTP") && status >= 500) }
}

/// A client for the EC2 Query API: POSTs form-encoded `Action=...&Version=...` requests,
/// signed with Signature Version 4, and reads the XML answers. Retries throttled and
/// transiently failed calls with backoff; turns every other error into an `EC2Error`.
public struct EC2Client: Sendable {
    public static let apiVersion = "2016-11-15"

    public let region: String
    public let endpoint: URL
    /// Whether `endpoint` was given rather than derived from the region: a name that does
    /// not resolve then means a bad endpoint rather than an unknown region.
    public let endpointGiven: Bool
    public let credentials: AWSCredentials
    public var retry: RetryPolicy
    let transport: any HTTPTransport
    let sleep: @Sendable (Duration) async throws -> Void
    let random: @Sendable () -> Double
    let now: @Sendable () -> Date

    public init(
        region: String, credentials: AWSCredentials, endpoint: URL? = nil,
        transport: any HTTPTransport = URLSessionTransport(), retry: RetryPolicy = RetryPolicy(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.region = region
        self.credentials = credentials
        self.endpoint = endpoint ?? AWSRegion.endpoint(for: region)
        self.endpointGiven = endpoint != nil
        self.transport = transport
        self.retry = retry
        self.sleep = sleep
        self.random = random
        self.now = now
    }

    /// The `Host` header URLSession sends, which the signature must cover exactly.
    var hostHeader: String {
        let host = endpoint.host ?? ""
        let bracketed = host.contains(":") ? "[\(host)]" : host
        guard let port = endpoint.port else { return bracketed }
        let defaultPort = endpoint.scheme == "http" ? 80 : 443
        return port == defaultPort ? bracketed : "\(bracketed):\(port)"
    }

    /// The form body of a call: `Action`, `Version`, then the parameters, in
    /// application/x-www-form-urlencoded form as AWS's own SDKs send it: every byte but the
    /// unreserved characters percent-encoded, spaces as `+`. (The signature covers the
    /// body's hash, so AWS takes either form of space; EC2 look-alikes that re-encode the
    /// parsed form to check the signature, as moto does, expect `+`.)
    public static func body(action: String, parameters: EC2Parameters) -> Data {
        let pairs = [("Action", action), ("Version", apiVersion)] + parameters.pairs.map { ($0.name, $0.value) }
        let text = pairs.map { "\(formEncode($0.0))=\(formEncode($0.1))" }.joined(separator: "&")
        return Data(text.utf8)
    }

    static func formEncode(_ text: String) -> String {
        SigV4Signer.uriEncode(text).replacingOccurrences(of: "%20", with: "+")
    }

    /// The signed HTTP request for one call at `date`.
    public func signedRequest(action: String, parameters: EC2Parameters, date: Date) -> HTTPRequest {
        let body = Self.body(action: action, parameters: parameters)
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
            ("Host", hostHeader),
            ("X-Amz-Date", SigV4Signer.amzDate(date)),
        ]
        if let token = credentials.sessionToken {
            headers.append(("X-Amz-Security-Token", token.reveal()))
        }
        let path = endpoint.path.isEmpty ? "/" : endpoint.path
        let signer = SigV4Signer(credentials: credentials, region: region, service: "ec2")
        let authorization = signer.authorization(
            for: SigV4Signer.Request(method: "POST", path: path, headers: headers, body: body), date: date)
        var all = Dictionary(headers.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        all["Authorization"] = authorization
        return HTTPRequest(method: "POST", url: endpoint, headers: all, body: body)
    }

    /// Calls `action` and returns the response document's root element.
    @discardableResult
    public func call(_ action: String, _ parameters: EC2Parameters = EC2Parameters()) async throws -> XMLTree {
        var attempt = 0
        while true {
            attempt += 1
            let canRetry = attempt < retry.maxAttempts
            let response: HTTPResponse
            do {
                response = try await transport.send(signedRequest(action: action, parameters: parameters, date: now()))
            } catch let error as URLError {
                if canRetry, [.timedOut, .networkConnectionLost].contains(error.code) {
                    try await sleep(retry.delay(beforeRetry: attempt, random: random()))
                    continue
                }
                throw transportError(error)
            }
            if (200..<300).contains(response.status) {
                guard let tree = XMLTree.parse(response.body) else {
                    throw EC2Error.api(action: action, code: "MalformedResponse", message: "the answer was not XML")
                }
                return tree
            }
            let failure = EC2ErrorResponse.parse(status: response.status, body: response.body)
            if canRetry, failure.isThrottling || failure.isTransient {
                try await sleep(retry.delay(beforeRetry: attempt, random: random()))
                continue
            }
            if failure.isThrottling {
                throw EC2Error.throttled(action: action, attempts: attempt)
            }
            throw error(for: failure, action: action)
        }
    }

    func error(for failure: EC2ErrorResponse, action: String) -> EC2Error {
        let message = credentials.redact(failure.message)
        let code = failure.code
        if EC2ErrorResponse.credentialCodes.contains(code) {
            // SignatureDoesNotMatch goes on to quote the canonical request; its first
            // paragraph says all the user needs.
            let firstParagraph = message.components(separatedBy: "\n\n").first ?? message
            return .badCredentials(code: code, message: firstParagraph, credentials: credentials.description)
        }
        if code == "UnauthorizedOperation" {
            let firstLine = message.components(separatedBy: "Encoded authorization failure message").first ?? message
            return .notAuthorized(
                action: action, message: firstLine.trimmingCharacters(in: .whitespaces.union(.punctuationCharacters)),
                credentials: credentials.description)
        }
        if code == "OptInRequired" {
            return .badSetting(
                setting: "[provider] region",
                problem: "\"\(region)\" is not enabled for this AWS account (OptInRequired): enable it in the account's settings or choose another region")
        }
        if EC2ErrorResponse.quotaCodes.contains(code) { return .quota(code: code, message: message) }
        if EC2ErrorResponse.capacityCodes.contains(code) { return .capacity(code: code, message: message) }
        return .api(action: action, code: code, message: message)
    }

    func transportError(_ error: URLError) -> EC2Error {
        if [.cannotFindHost, .dnsLookupFailed].contains(error.code), !endpointGiven {
            return .unknownRegion(region)
        }
        return .unreachable(endpoint: endpoint.absoluteString, reason: error.localizedDescription)
    }
}
