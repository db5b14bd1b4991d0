/// Requests a path from an instance itself, not through nginx: over HTTP for instances that
/// serve it, over FastCGI for PHP instances, with the CGI variables nginx would send
/// (`RouterConfiguration`'s PHP locations). Health checks, `update_fetch` and `query` all
/// ask through here.
public enum InstanceProbe {
    public static func get(
        _ record: InstanceRecord, path: String, host: String, headers: [String: String] = [:], timeoutSeconds: Int
    ) -> Result<LocalHTTP.Response, AgentError> {
        switch record.launch {
        case .php:
            FastCGIClient.request(
                port: record.port, parameters: phpParameters(path: path, host: host, headers: headers), timeoutSeconds: timeoutSeconds)
        case .wsgi, .command:
            LocalHTTP.get(port: record.port, path: path, host: host, headers: headers, timeoutSeconds: timeoutSeconds)
        }
    }

    /// A GET of `path` (the path inside the app, with its query) as nginx passes it to the
    /// master runner; each header as its `HTTP_` variable.
    static func phpParameters(path: String, host: String, headers: [String: String]) -> [(String, String)] {
        let parts = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let uri = String(parts[0])
        var parameters = [
            ("GATEWAY_INTERFACE", "CGI/1.1"), ("SERVER_SOFTWARE", "silver-node"), ("SERVER_PROTOCOL", "HTTP/1.0"),
            ("REQUEST_METHOD", "GET"), ("REQUEST_URI", path), ("DOCUMENT_URI", uri), ("SCRIPT_NAME", uri),
            ("QUERY_STRING", parts.count > 1 ? String(parts[1]) : ""), ("SCRIPT_FILENAME", AppRuntime.phpMasterRunner),
            ("SERVER_NAME", host), ("SERVER_ADDR", "127.0.0.1"), ("SERVER_PORT", "80"), ("REMOTE_ADDR", "127.0.0.1"),
            ("REMOTE_PORT", "0"), ("CONTENT_TYPE", ""), ("CONTENT_LENGTH", ""), ("HTTP_HOST", host), ("HTTP_USER_AGENT", "silver-node"),
        ]
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            parameters.append(("HTTP_" + name.uppercased().replacing("-", with: "_"), value))
        }
        return parameters
    }
}
