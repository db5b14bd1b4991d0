/// Which node of a database service with replicas is its primary, as silver last made it
/// (the role's first node until a `silver failover`), and which former primaries are fenced:
/// out of every app's environment until `setup-node` has made them replicas again. Kept in
/// the nodeset's state, so that setup-node, update, backup and query follow a failover.
public struct DatabaseRoles: Codable, Sendable, Hashable {
    public var primary: String
    public var fenced: [String]

    public init(primary: String, fenced: [String] = []) {
        self.primary = primary
        self.fenced = fenced
    }
}
