/// `service.postgis`: PostgreSQL with the PostGIS extension in each app's database. Backups
/// go to `postgis/postgis.pgdump`, as Silver Lining's did.
extension PostgreSQL {
    public static let postgis = PostgreSQL(kind: .postgis, extensions: ["postgis"], extraServerPackages: ["postgresql-\(version)-postgis-3"])
}
