/// A database connection URL (`mysql://USER:PASSWORD@HOST:PORT/DBNAME`), as `DATABASE_URL`
/// and SQLAlchemy take it. User, password and database name are percent-encoded, so any
/// character in them survives the trip through a URL parser.
public struct DatabaseURL: Sendable, Equatable {
    public var scheme: String
    public var user: String
    public var password: String
    public var host: String
    public var port: Int
    public var database: String

    public init(scheme: String, user: String, password: String, host: String, port: Int, database: String) {
        self.scheme = scheme
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
    }

    /// What a database service gives an app, with Silver Lining's names:
    /// `CONFIG_<PREFIX>_DBNAME`, `_USER`, `_PASSWORD`, `_HOST`, `_PORT`, `_SQLALCHEMY`, and
    /// `DATABASE_URL`.
    func environment(prefix: String) -> [EnvironmentVariable] {
        [
            EnvironmentVariable(name: "CONFIG_\(prefix)_DBNAME", value: database),
            EnvironmentVariable(name: "CONFIG_\(prefix)_USER", value: user),
            EnvironmentVariable(name: "CONFIG_\(prefix)_PASSWORD", value: password),
            EnvironmentVariable(name: "CONFIG_\(prefix)_HOST", value: host),
            EnvironmentVariable(name: "CONFIG_\(prefix)_PORT", value: String(port)),
            EnvironmentVariable(name: "CONFIG_\(prefix)_SQLALCHEMY", value: string),
            EnvironmentVariable(name: "DATABASE_URL", value: string),
        ]
    }

    public var string: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(Self.encoded(user)):\(Self.encoded(password))@\(hostPart):\(port)/\(Self.encoded(database))"
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters.
    public static func encoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-._~".unicodeScalars.contains(scalar)) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// `url` with the password in its user part replaced by `mask`; nil if it has none.
    static func maskingPassword(in url: String, with mask: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { "/?#".contains($0) }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return nil }
        return String(url[..<authority.index(after: colon)]) + mask + String(url[at...])
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
