/// Every service silver knows, by the name apps use in `service.NAME =`.
public enum ServiceCatalog {
    public static func service(for kind: ServiceKind) -> any AppService {
        switch kind {
        case .mysql: DatabaseService.mysql
        case .postgresql: DatabaseService.postgresql
        case .postgis: DatabaseService.postgis
        case .files: DirectoryService.files
        case .writableRoot: DirectoryService.writableRoot
        }
    }

    /// The kinds an app's `service.NAME` lines name, in `ServiceKind` order.
    public static func kinds(of app: AppConfig) -> [ServiceKind] {
        ServiceKind.allCases.filter { app.services[$0.rawValue] != nil }
    }
}
