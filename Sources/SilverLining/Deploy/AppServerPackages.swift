extension AppConfig {
    /// Every Debian package an instance of the app needs on its app servers: for a PHP app,
    /// PHP-FPM and the PHP drivers of its database services (as Silver Lining installed
    /// php5 and its drivers), then the app's own `packages`.
    public var appServerPackages: [String] {
        guard case .php = launch else { return packages }
        let drivers = ServiceCatalog.kinds(of: self).compactMap { kind -> String? in
            switch kind {
            case .mysql: PHPRuntime.driverPackage("mysql")
            case .postgresql, .postgis: PHPRuntime.driverPackage("pgsql")
            case .files, .writableRoot: nil
            }
        }
        return ([PHPRuntime.fpmPackage] + drivers + packages).uniqued()
    }
}
