import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

public struct HTTPRequest: Sendable {
    public var method: String
    public var url: URL
    public var headers: [String: String]
    public var body: Data

    public init(method: String, url: URL, headers: [String: String], body: Data) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    public var body: Data
    /// Header names in lower case (Keystone's token arrives in `x-subject-token`, a
    /// throttled request's wait in `retry-after`).
    public var headers: [String: String]

    public init(status: Int, body: Data, headers: [String: String] = [:]) {
        self.status = status
        self.body = body
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
    }
}

/// Sends one HTTP request. The cloud clients (EC2, Nova and its identity service) go through
/// this so that tests can answer with canned responses (throttling, errors) without a server.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// Foundation's URLSession, for both `https://` (AWS, Rackspace, OpenStack clouds) and
/// `http://` (moto, mimic, other local emulators).
public struct URLSessionTransport: HTTPTransport {
    public var timeout: TimeInterval

    public init(timeout: TimeInterval = 60) {
        self.timeout = timeout
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url, timeoutInterval: timeout)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers where name.lowercased() != "host" {
            urlRequest.setValue(value, forHTTPHeaderField: name)
        }
        urlRequest.httpBody = request.body
        let (data, response) = try await URLSession.shared.data(for: urlRequest)
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for case let (name as String, value as String) in http?.allHeaderFields ?? [:] {
            headers[name] = value
        }
        return HTTPResponse(status: http?.statusCode ?? 0, body: data, headers: headers)
    }
}
