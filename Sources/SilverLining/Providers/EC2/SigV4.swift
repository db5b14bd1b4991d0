import Crypto
import Foundation

/// AWS Signature Version 4, as "Create a signed AWS API request" in AWS's general reference
/// describes it: a canonical request, a string to sign that carries its hash, a signing key
/// derived from the secret key by date, region and service, and the HMAC of the two. Each
/// step is a separate function so tests can check it against AWS's published examples.
public struct SigV4Signer: Sendable {
    public static let algorithm = "AWS4-HMAC-SHA256"

    public var credentials: AWSCredentials
    public var region: String
    public var service: String

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// A request as the signature sees it. `headers` must include `host` and `x-amz-date`;
    /// every header given is signed.
    public struct Request: Sendable {
        public var method: String
        /// The absolute path, not yet URI-encoded (`/` for the EC2 Query API).
        public var path: String
        /// Query parameters, not yet encoded, in any order.
        public var query: [(name: String, value: String)]
        public var headers: [(name: String, value: String)]
        public var body: Data

        public init(
            method: String, path: String = "/", query: [(name: String, value: String)] = [],
            headers: [(name: String, value: String)], body: Data = Data()
        ) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
        }
    }

    /// `20150830T123600Z` for the request's timestamp.
    public static func amzDate(_ date: Date) -> String {
        format(date, "yyyyMMdd'T'HHmmss'Z'")
    }

    /// `20150830`, the date part of the credential scope.
    public static func dateStamp(_ date: Date) -> String {
        format(date, "yyyyMMdd")
    }

    private static func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }

    // MARK: Task 1: the canonical request

    public static func canonicalRequest(_ request: Request) -> String {
        [
            request.method.uppercased(),
            canonicalURI(request.path),
            canonicalQueryString(request.query),
            canonicalHeaders(request.headers),
            signedHeaders(request.headers),
            hexSHA256(request.body),
        ].joined(separator: "\n")
    }

    /// Each path segment URI-encoded once; an empty path is `/`.
    public static func canonicalURI(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map { uriEncode(String($0)) }
            .joined(separator: "/")
    }

    /// Names and values encoded, then sorted by name and, for equal names, by value.
    public static func canonicalQueryString(_ query: [(name: String, value: String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map { (uriEncode($0.name), uriEncode($0.value)) }
        let sorted = encoded.sorted { a, b in a.name == b.name ? a.value < b.value : a.name < b.name }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// Lowercased names, sorted, each followed by its trimmed value with inner runs of
    /// spaces collapsed; values of a repeated header joined by commas. Ends with a newline.
    public static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> String {
        groupedHeaders(headers).map { "\($0.name):\($0.value)\n" }.joined()
    }

    public static func signedHeaders(_ headers: [(name: String, value: String)]) -> String {
        groupedHeaders(headers).map(\.name).joined(separator: ";")
    }

    private static func groupedHeaders(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        var values: [String: [String]] = [:]
        for header in headers {
            let words: [Substring] = header.value.split(separator: " ", omittingEmptySubsequences: true)
            let trimmed: String = words.joined(separator: " ")
            values[header.name.lowercased(), default: []].append(trimmed)
        }
        return values.keys.sorted().map { (name: $0, value: values[$0]!.joined(separator: ",")) }
    }

    // MARK: Task 2: the string to sign

    public func credentialScope(date: Date) -> String {
        "\(Self.dateStamp(date))/\(region)/\(service)/aws4_request"
    }

    public func stringToSign(canonicalRequest: String, date: Date) -> String {
        [
            Self.algorithm,
            Self.amzDate(date),
            credentialScope(date: date),
            Self.hexSHA256(Data(canonicalRequest.utf8)),
        ].joined(separator: "\n")
    }

    // MARK: Task 3: the signature

    public func signingKey(date: Date) -> SymmetricKey {
        let secret = SymmetricKey(data: Data(("AWS4" + credentials.secretAccessKey.reveal()).utf8))
        let dateKey = Self.hmac(secret, Self.dateStamp(date))
        let regionKey = Self.hmac(dateKey, region)
        let serviceKey = Self.hmac(regionKey, service)
        return Self.hmac(serviceKey, "aws4_request")
    }

    public func signature(stringToSign: String, date: Date) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey(date: date))
        return Self.hex(Data(mac))
    }

    // MARK: Task 4: the Authorization header

    public func authorization(for request: Request, date: Date) -> String {
        let canonical = Self.canonicalRequest(request)
        let signature = signature(stringToSign: stringToSign(canonicalRequest: canonical, date: date), date: date)
        return "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(credentialScope(date: date)), "
            + "SignedHeaders=\(Self.signedHeaders(request.headers)), Signature=\(signature)"
    }

    // MARK: Helpers

    /// AWS's UriEncode: every byte except the RFC 3986 unreserved characters becomes `%XY`
    /// with upper-case hex; a space is `%20`, never `+`.
    public static func uriEncode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                result.append(Character(UnicodeScalar(byte)))
            default:
                result += String(format: "%%%02X", byte)
            }
        }
        return result
    }

    public static func hexSHA256(_ data: Data) -> String {
        hex(Data(SHA256.hash(data: data)))
    }

    static func hex(_ data: Data) -> String {
        data.map { String(format: "%02x", $0) }.joined()
    }

    private static func hmac(_ key: SymmetricKey, _ message: String) -> SymmetricKey {
        SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: key)))
    }
}
