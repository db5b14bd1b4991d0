import Testing

@testable import SilverLining

@Suite struct ServiceEnvironmentTests {
    @Test func mysqlGivesSilverLiningsNamesAndADatabaseURL() {
        let variables = MariaDB().environment(app: "blog", password: "s3cret", host: "10.4.3.5", replicas: nil)
        #expect(variables == [
            EnvironmentVariable(name: "CONFIG_MYSQL_DBNAME", value: "blog"),
            EnvironmentVariable(name: "CONFIG_MYSQL_USER", value: "blog"),
            EnvironmentVariable(name: "CONFIG_MYSQL_USERNAME", value: "blog"),
            EnvironmentVariable(name: "CONFIG_MYSQL_PASSWORD", value: "s3cret"),
            EnvironmentVariable(name: "CONFIG_MYSQL_HOST", value: "10.4.3.5"),
            EnvironmentVariable(name: "CONFIG_MYSQL_PORT", value: "3306"),
            EnvironmentVariable(name: "CONFIG_MYSQL_SQLALCHEMY", value: "mysql://blog:s3cret@10.4.3.5:3306/blog"),
            EnvironmentVariable(name: "DATABASE_URL", value: "mysql://blog:s3cret@10.4.3.5:3306/blog"),
        ])
    }

    @Test func postgresGivesSilverLiningsNamesAndADatabaseURL() {
        let variables = PostgreSQL.postgresql.environment(app: "blog", password: "pw", host: "127.0.0.1", replicas: nil)
        #expect(variables.map(\.name) == [
            "CONFIG_PG_DBNAME", "CONFIG_PG_USER", "CONFIG_PG_PASSWORD", "CONFIG_PG_HOST", "CONFIG_PG_PORT", "CONFIG_PG_SQLALCHEMY",
            "DATABASE_URL",
        ])
        #expect(variables.last?.value == "postgresql://blog:pw@127.0.0.1:5432/blog")
        #expect(variables[5].value == variables[6].value)
    }

    @Test(arguments: [
        ("p@ss:w/rd", "p%40ss%3Aw%2Frd"),
        ("100%", "100%25"),
        ("a b+c", "a%20b%2Bc"),
        ("q?x#y&z=1", "q%3Fx%23y%26z%3D1"),
        ("ünï", "%C3%BCn%C3%AF"),
        ("safe-._~AZaz09", "safe-._~AZaz09"),
        ("'\"\\", "%27%22%5C"),
    ])
    func passwordsArePercentEncodedInURLs(password: String, encoded: String) {
        let url = DatabaseURL(scheme: "mysql", user: "blog", password: password, host: "db", port: 3306, database: "blog").string
        #expect(url == "mysql://blog:\(encoded)@db:3306/blog")
        #expect(DatabaseURL.encoded(password) == encoded)
    }

    @Test func userDatabaseAndIPv6HostAreWrittenSafely() {
        let url = DatabaseURL(scheme: "postgresql", user: "my app", password: "x", host: "fd00::5", port: 5432, database: "my/db").string
        #expect(url == "postgresql://my%20app:x@[fd00::5]:5432/my%2Fdb")
    }

    @Test func setUpMergesServicesWithTheFirstDatabaseURL() {
        let mysql = MariaDB().environment(app: "a", password: "p", host: "h1", replicas: nil)
        let pg = PostgreSQL.postgresql.environment(app: "a", password: "q", host: "h2", replicas: nil)
        let files = [EnvironmentVariable(name: "CONFIG_FILES", value: "/var/lib/silverlining/apps/a")]
        let merged = ServiceSetup.merged([(.files, files), (.postgis, pg), (.mysql, mysql)])
        #expect(merged.filter { $0.name == "DATABASE_URL" }.map(\.value) == ["mysql://a:p@h1:3306/a"])
        #expect(merged.count == mysql.count + pg.count - 1 + 1)
        #expect(merged.last?.name == "CONFIG_FILES")
    }
}
