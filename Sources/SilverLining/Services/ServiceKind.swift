/// The services an app can ask for with `service.NAME =` in its app.ini.
public enum ServiceKind: String, CaseIterable, Sendable, Codable {
    case mysql
    case postgresql
    case postgis
    case files
    case writableRoot = "writable_root"

    /// The TCP port a service node opens to app servers; nil for services that live on each
    /// app server.
    public var port: Int? {
        switch self {
        case .mysql: 3306
        case .postgresql, .postgis: 5432
        case .files, .writableRoot: nil
        }
    }

    /// Whether the service is a database server that can run on its own node.
    public var isDatabase: Bool { port != nil }
}
