/// Services Silver Lining had that silver refuses by name, saying why, rather than as
/// unknown: an app that asks for one would otherwise deploy without what it needs.
public enum RetiredService: String, CaseIterable, Sendable {
    case couchdb, mongodb, nfs

    var refusal: String {
        switch self {
        case .couchdb: "Silver Lining's couchdb service cannot be provided: Debian 12 has no CouchDB package to install"
        case .mongodb: "Silver Lining's mongodb service cannot be provided: Debian 12 has no MongoDB package to install"
        case .nfs: "Silver Lining's nfs service is not supported: silver does not mount NFS shares on app servers"
        }
    }

    var hint: String {
        switch self {
        case .couchdb, .mongodb:
            "run the database yourself and give the app its address with env.NAME = ..., or use service.postgresql or service.mysql"
        case .nfs:
            "mount the share on each app server yourself and give the app its path with env.NAME = ..."
        }
    }
}
