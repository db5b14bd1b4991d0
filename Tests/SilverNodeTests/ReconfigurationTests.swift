import Foundation
import Testing

@testable import SilverNode

/// How a failover rewrites an instance's environment on the node.
@Suite struct ReconfigurationTests {
    let old = [
        EnvironmentVariable(name: "SILVER_APP_NAME", value: "blog"),
        EnvironmentVariable(name: "CONFIG_MYSQL_HOST", value: "10.0.0.4"),
        EnvironmentVariable(name: "CONFIG_MYSQL_SQLALCHEMY", value: "mysql://blog:pw@10.0.0.4:3306/blog"),
        EnvironmentVariable(name: "DATABASE_URL", value: "mysql://blog:pw@10.0.0.4:3306/blog"),
        EnvironmentVariable(name: "PORT", value: "20001"),
    ]
    let rewrites = [
        EnvironmentRewrite(app: "blog", name: "CONFIG_MYSQL_HOST", value: "10.0.0.5", replaces: ["10.0.0.4", "10.0.0.5"]),
        EnvironmentRewrite(
            app: "blog", name: "CONFIG_MYSQL_SQLALCHEMY", value: "mysql://blog:pw@10.0.0.5:3306/blog",
            replaces: ["mysql://blog:pw@10.0.0.4:3306/blog", "mysql://blog:pw@10.0.0.5:3306/blog"]),
        EnvironmentRewrite(
            app: "blog", name: "DATABASE_URL", value: "mysql://blog:pw@10.0.0.5:3306/blog",
            replaces: ["mysql://blog:pw@10.0.0.4:3306/blog", "mysql://blog:pw@10.0.0.5:3306/blog"]),
        EnvironmentRewrite(app: "blog", name: "CONFIG_MYSQL_REPLICAS", value: "", replaces: nil),
    ]

    @Test("the service's variables name the new primary; the list of replicas is added before PORT")
    func rewritesTheService() throws {
        let new = try #require(Reconfiguration.rewrite(old, app: "blog", with: rewrites))
        #expect(new.map(\.name) == ["SILVER_APP_NAME", "CONFIG_MYSQL_HOST", "CONFIG_MYSQL_SQLALCHEMY", "DATABASE_URL", "CONFIG_MYSQL_REPLICAS", "PORT"])
        #expect(new.filter { $0.value.contains("10.0.0.4") }.isEmpty)
        #expect(new[1].value == "10.0.0.5")
        #expect(Reconfiguration.rewrite(new, app: "blog", with: rewrites) == nil, "a second run changes nothing")
    }

    @Test("an app's own DATABASE_URL, another app, and an instance that never used the service are left alone")
    func leavesOthersAlone() throws {
        var own = old
        own[3].value = "postgresql://elsewhere/db"
        let new = try #require(Reconfiguration.rewrite(own, app: "blog", with: rewrites))
        #expect(new.first { $0.name == "DATABASE_URL" }?.value == "postgresql://elsewhere/db")
        #expect(Reconfiguration.rewrite(old, app: "wiki", with: rewrites) == nil)
        let noService = [EnvironmentVariable(name: "SILVER_APP_NAME", value: "blog"), EnvironmentVariable(name: "PORT", value: "1")]
        #expect(Reconfiguration.rewrite(noService, app: "blog", with: rewrites) == nil)
    }
}

/// PostgreSQL's `synchronous_standby_names`, as the watch keeps it on a primary.
@Suite struct DatabaseWatchTests {
    @Test func commitsWaitForTheStreamingStandbysOnly() {
        #expect(DatabaseWatch.change(fromStatus: "f||silver_b silver_c") == "ANY 1 (\"silver_b\", \"silver_c\")")
        #expect(DatabaseWatch.change(fromStatus: "f|ANY 1 (\"silver_b\")|") == "", "none streams: commits wait for none")
        #expect(DatabaseWatch.change(fromStatus: "f|ANY 1 (\"silver_b\")|silver_b") == nil, "already so")
        #expect(DatabaseWatch.change(fromStatus: "t||silver_b") == nil, "a standby's setting is not used")
        #expect(DatabaseWatch.change(fromStatus: "garbage") == nil)
        #expect(DatabaseWatch.setSQL("ANY 1 (\"a\")") == "ALTER SYSTEM SET synchronous_standby_names = 'ANY 1 (\"a\")';\nSELECT pg_reload_conf();\n")
        #expect(DatabaseWatch.statusSQL.contains("application_name LIKE 'silver\\_%'"), "pg_basebackup's own stream is not waited for")
    }
}
