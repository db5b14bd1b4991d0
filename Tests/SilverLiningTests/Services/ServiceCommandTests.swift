import Foundation
import Testing

@testable import SilverLining

/// What services run on nodes, checked as values: SQL goes on a client's standard input,
/// never into arguments or a shell string.
@Suite struct ServiceCommandTests {
    @Test func mysqlGrantsEachAppServerAddressAndDropsOthers() {
        let sql = MariaDB.setUpSQL(
            database: "blog", user: "blog", password: "pw", hosts: ["10.0.0.2", "10.0.0.3"], existingHosts: ["10.0.0.2", "10.0.0.9"])
        #expect(sql == """
            CREATE DATABASE IF NOT EXISTS `blog` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
            CREATE USER IF NOT EXISTS 'blog'@'10.0.0.2' IDENTIFIED BY 'pw';
            ALTER USER 'blog'@'10.0.0.2' IDENTIFIED BY 'pw';
            GRANT ALL PRIVILEGES ON `blog`.* TO 'blog'@'10.0.0.2';
            CREATE USER IF NOT EXISTS 'blog'@'10.0.0.3' IDENTIFIED BY 'pw';
            ALTER USER 'blog'@'10.0.0.3' IDENTIFIED BY 'pw';
            GRANT ALL PRIVILEGES ON `blog`.* TO 'blog'@'10.0.0.3';
            DROP USER IF EXISTS 'blog'@'10.0.0.9';

            """)
    }

    @Test func sqlQuotingCannotBeEscaped() {
        #expect(MariaDB.literal("it's \\ 'x'") == "'it''s \\\\ ''x'''")
        #expect(MariaDB.identifier("a`b") == "`a``b`")
        #expect(PostgreSQL.literal("it's \\") == "'it''s \\'")
        #expect(PostgreSQL.identifier("a\"b") == "\"a\"\"b\"")
    }

    @Test func mysqlRunsAsRootWithSQLOnStandardInput() {
        let command = MariaDB.client("SELECT 1;\n", database: "blog", step: "probe")
        #expect(command.words == ["mysql", "--batch", "--skip-column-names", "--default-character-set=utf8mb4", "--database=blog"])
        #expect(command.input == Array("SELECT 1;\n".utf8))
        #expect(MariaDB().dump(database: "blog", to: "/var/tmp/x/mysql.dump").words.last == "blog")
    }

    @Test("a dump is loaded through a fixed shell script: the database and path are its arguments, whatever they hold")
    func mysqlLoadsDumpsWithoutBuildingShellText() async throws {
        let scratch = try ScratchDirectory()
        let dump = scratch.path + "/a dir/$(touch pwned).dump"
        try scratch.write("a dir/$(touch pwned).dump", "SELECT 1;\n")
        // Stands in for the client only to show what it is given: its arguments and its input.
        try scratch.write("bin/mysql", "#!/bin/sh\nprintf '%s\\n' \"$@\"\ncat\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: scratch.path + "/bin/mysql")
        let command = MariaDB().load(database: "blo'g", from: dump)
        // The line ssh would hand the node's login shell, run by a real one.
        let result = try await CommandRunner().check(
            Command("/bin/sh", ["-c", command.shellLine]), environment: ["PATH": scratch.path + "/bin:/usr/bin:/bin"],
            workingDirectory: scratch.path)
        #expect(result.text == "--batch\n--default-character-set=utf8mb4\n--database=blo'g\nSELECT 1;\n")
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/pwned"))
    }

    @Test func postgresRunsAsThePostgresUserWithSQLOnStandardInput() {
        let command = PostgreSQL.psql("SELECT 1;\n", database: "blog", step: "probe")
        #expect(Array(command.words.prefix(7)) == ["env", "-C", "/", "runuser", "-u", "postgres", "--"])
        #expect(command.words.contains("--dbname=blog"))
        #expect(command.words.contains("--set=ON_ERROR_STOP=1"))
        #expect(command.input == Array("SELECT 1;\n".utf8))
        #expect(PostgreSQL.postgresql.dump(database: "blog", to: "/d/postgis.pgdump").words.suffix(3)
            == ["--format=custom", "--file=/d/postgis.pgdump", "--dbname=blog"])
    }

    @Test func postgresSetUpMakesWhatIsMissingOnly() {
        let sql = PostgreSQL.setUpSQL(role: "blog", database: "blog", password: "p'w")
        #expect(sql.contains("  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'blog')\n\\gexec"))
        #expect(sql.contains("ALTER ROLE \"blog\" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD 'p''w';"))
        #expect(sql.contains("WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'blog')\n\\gexec"))
        #expect(sql.contains("REVOKE ALL ON DATABASE \"blog\" FROM PUBLIC;"))
    }

    @Test func pgHbaLetsEachRoleIntoItsOwnDatabaseFromAppServersOnly() {
        let topology = ServiceTopologies.make(appservers: 2, services: ["postgis": 1], balancer: true)
        let node = topology.nodes(in: .service("postgis"))[0]
        let placement = ServicePlacement(kind: .postgis, nodes: [node], isLocal: false)
        let plan = PostgreSQL.postgis.serverPlan(on: node, placement: placement, topology: topology)
        #expect(plan.packages == ["postgresql", "postgresql-client", "postgresql-15-postgis-3"])
        let hba = plan.files.first { $0.path.hasSuffix("pg_hba.conf") }?.content ?? ""
        let hostLines = hba.split(separator: "\n").filter { $0.hasPrefix("host") }.map { $0.split(separator: " ").joined(separator: " ") }
        #expect(hostLines == [
            "host all postgres 0.0.0.0/0 reject",
            "host all postgres ::/0 reject",
            "host sameuser all 127.0.0.1/32 scram-sha-256",
            "host sameuser all ::1/128 scram-sha-256",
            "host sameuser all 10.4.3.2/32 scram-sha-256",
            "host sameuser all 10.4.3.3/32 scram-sha-256",
        ])
        #expect(!hba.contains(topology.balancer!.address))
        let conf = plan.files.first { $0.path.hasSuffix("90-silverlining.conf") }?.content ?? ""
        #expect(conf.contains("listen_addresses = 'localhost,\(node.address)'"))
    }

    @Test func onTheAppServerItselfServersListenOnLoopbackOnly() throws {
        let topology = ServiceTopologies.make(appservers: 1)
        let app = topology.nodes[0]
        let mysql = try ServicePlacement.resolve(kind: .mysql, topology: topology)
        #expect(MariaDB().serverPlan(on: app, placement: mysql, topology: topology).files[0].content.contains("bind-address = 127.0.0.1\n"))
        let pg = try ServicePlacement.resolve(kind: .postgresql, topology: topology)
        let plan = PostgreSQL.postgresql.serverPlan(on: app, placement: pg, topology: topology)
        #expect(plan.files[0].content.contains("listen_addresses = 'localhost'\n"))
        #expect(!plan.files[1].content.contains(app.address))
    }

    @Test func setupNodeTakesServiceNodesPlansFromTheServices() {
        let topology = ServiceTopologies.make(appservers: 2, services: ["mysql": 1, "postgresql": 1])
        let mysqlNode = topology.nodes(in: .service("mysql"))[0]
        let plan = RolePlans.plan(for: mysqlNode, topology: topology, appSecret: "s3cret")
        #expect(plan.packages.contains("mariadb-server"))
        #expect(plan.services.contains("mariadb"))
        #expect(plan.files.contains { $0.path == MariaDB.configurationPath && $0.content.contains("bind-address = \(mysqlNode.address)") })
        let pgPlan = RolePlans.plan(for: topology.nodes(in: .service("postgresql"))[0], topology: topology, appSecret: "s3cret")
        #expect(!pgPlan.packages.contains("postgresql-15-postgis-3"))
        #expect(pgPlan.files.contains { $0.path.hasSuffix("pg_hba.conf") && $0.content.contains("10.4.3.3/32") })
    }

    @Test func filesDirectoriesBelongToTheAppUser() {
        let plan = DirectoryService.files.plan(for: "blog")
        #expect(plan.directories.last == PlannedDirectory("/var/lib/silverlining/apps/blog", mode: 0o700, owner: "silver-blog", group: "silver-blog"))
        #expect(plan.appAccounts == ["blog"], "the account is made first, wherever the directory is")
        #expect(DirectoryService.writableRoot.plan(for: "blog").directories.last
            == PlannedDirectory("/var/lib/silverlining/writable-roots/blog", mode: 0o750, owner: "silver-blog", group: "silver-blog"))
        #expect(DirectoryService.writableRoot.directory(for: "blog") == "/var/lib/silverlining/writable-roots/blog")
    }
}

extension ShowCommandTests {
    @Test func backupRestoreAndClearWantTheNodesetWhereTheirHelpSays() throws {
        let scratch = try ScratchDirectory()
        let run = try silver(["restore", "foobar.conf", "backup-dir", "blog"], environment: scratch.environment())
        #expect(run.status == 2)
        #expect(run.errorOutput.contains("backup-dir is not a nodeset file (NAME.conf)"))
        let notDatabase = try silver(["failover", "foobar.conf", "files", "--yes"], environment: scratch.environment())
        #expect(notDatabase.status == 2 && notDatabase.errorOutput.contains("files is not a database service"), "\(notDatabase.errorOutput)")
        #expect(try silver(["failover", "--help"], environment: scratch.environment()).output.contains("--to <node>"))
        for command in ["backup", "restore", "clear"] {
            #expect(try silver([command, "--help"], environment: scratch.environment()).output.contains("APP"))
        }
    }
}
