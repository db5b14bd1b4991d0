import Foundation
import Testing

@testable import SilverLining

@Suite struct ServiceEnvironmentReportTests {
    let variables = MariaDB().environment(app: "blog", password: "p@ss", host: "10.0.0.5", replicas: nil)
        + [
            EnvironmentVariable(name: "CONFIG_FILES", value: "/var/lib/silverlining/apps/blog"),
            EnvironmentVariable(name: "API_SECRET_KEY", value: "k"),
            EnvironmentVariable(name: "EMPTY_PASSWORD", value: ""),
        ]

    @Test func secretsAreMaskedUnlessRevealed() {
        #expect(ServiceEnvironmentReport.render(variables, reveal: false) == """
            CONFIG_MYSQL_DBNAME=blog
            CONFIG_MYSQL_USER=blog
            CONFIG_MYSQL_USERNAME=blog
            CONFIG_MYSQL_PASSWORD=********
            CONFIG_MYSQL_HOST=10.0.0.5
            CONFIG_MYSQL_PORT=3306
            CONFIG_MYSQL_SQLALCHEMY=mysql://blog:********@10.0.0.5:3306/blog
            DATABASE_URL=mysql://blog:********@10.0.0.5:3306/blog
            CONFIG_FILES=/var/lib/silverlining/apps/blog
            API_SECRET_KEY=********
            EMPTY_PASSWORD=

            """)
    }

    @Test func revealShowsEverything() {
        let text = ServiceEnvironmentReport.render(variables, reveal: true)
        #expect(text.contains("CONFIG_MYSQL_PASSWORD=p@ss\n"))
        #expect(text.contains("DATABASE_URL=mysql://blog:p%40ss@10.0.0.5:3306/blog\n"))
        #expect(text.contains("API_SECRET_KEY=k\n"))
    }

    /// `show-env --json`: one object, name to value, masked like the text unless revealed.
    @Test func jsonIsOneObjectOfNamesToValues() throws {
        let twice = variables + [EnvironmentVariable(name: "CONFIG_FILES", value: "/later")]
        let masked = try JSONDecoder().decode([String: String].self, from: Data(ServiceEnvironmentReport.json(twice, reveal: false).utf8))
        #expect(masked.count == Set(twice.map(\.name)).count)
        #expect(masked["CONFIG_MYSQL_PASSWORD"] == "********" && masked["API_SECRET_KEY"] == "********")
        #expect(masked["DATABASE_URL"] == "mysql://blog:********@10.0.0.5:3306/blog")
        #expect(masked["EMPTY_PASSWORD"] == "" && masked["CONFIG_FILES"] == "/later")
        let revealed = try JSONDecoder().decode([String: String].self, from: Data(ServiceEnvironmentReport.json(twice, reveal: true).utf8))
        #expect(revealed["CONFIG_MYSQL_PASSWORD"] == "p@ss")
        #expect(ServiceEnvironmentReport.json([EnvironmentVariable(name: "B", value: "http://h/"), EnvironmentVariable(name: "A", value: "1")],
            reveal: false) == "{\n  \"A\" : \"1\",\n  \"B\" : \"http://h/\"\n}\n")
    }

    @Test(arguments: [
        ("postgresql://u:pw@h:5432/d", "postgresql://u:********@h:5432/d"),
        ("https://u:p%40w@host/path?q=a@b", "https://u:********@host/path?q=a@b"),
        ("redis://:pw@host:6379", "redis://:********@host:6379"),
        ("mysql://user@host/db", "mysql://user@host/db"),
        ("http://example.com/a:b@c", "http://example.com/a:b@c"),
        ("not a url", "not a url"),
    ])
    func passwordsInsideURLsAreMasked(value: String, masked: String) {
        #expect(ServiceEnvironmentReport.render([EnvironmentVariable(name: "SOME_URL", value: value)], reveal: false) == "SOME_URL=\(masked)\n")
    }
}
