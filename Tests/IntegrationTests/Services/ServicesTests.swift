import Foundation
import SilverLining
import Testing

@Suite(.serialized, .enabled(if: IntegrationEnvironment.available, IntegrationEnvironment.skipReason), ServicesNodeset())
struct ServicesTests {
    static let app = "blog"

    @Test func setUpGivesEveryVariableAndOnlyAppServersGetIn() async throws {
        let shared = try ServicesNodeset.shared()
        let context = shared.context
        let ssh = shared.session.ssh
        let (app1, app2) = (shared.nodes(.appserver)[0], shared.nodes(.appserver)[1])
        let mysqlNode = shared.nodes(.service("mysql"))[0]
        let postgisNode = shared.nodes(.service("postgis"))[0]
        let balancer = try #require(shared.nodes(.balancer).first)

        let mysqlPlacement = try ServicePlacement.resolve(kind: .mysql, topology: context.topology)
        let postgisPlacement = try ServicePlacement.resolve(kind: .postgis, topology: context.topology)
        #expect(!mysqlPlacement.isLocal && mysqlPlacement.nodes == [mysqlNode])
        let mysql = try await DatabaseService.mysql.setUp(app: Self.app, placement: mysqlPlacement, context: context)
        let postgis = try await DatabaseService.postgis.setUp(app: Self.app, placement: postgisPlacement, context: context)

        #expect(mysql.map(\.name) == [
            "CONFIG_MYSQL_DBNAME", "CONFIG_MYSQL_USER", "CONFIG_MYSQL_USERNAME", "CONFIG_MYSQL_PASSWORD", "CONFIG_MYSQL_HOST", "CONFIG_MYSQL_PORT",
            "CONFIG_MYSQL_SQLALCHEMY", "DATABASE_URL",
        ])
        #expect(try Client.value("CONFIG_MYSQL_HOST", in: mysql) == mysqlNode.address)
        #expect(try Client.value("CONFIG_MYSQL_PORT", in: mysql) == "3306")
        #expect(try Client.value("CONFIG_MYSQL_DBNAME", in: mysql) == Self.app)
        #expect(try Client.value("DATABASE_URL", in: mysql).hasPrefix("mysql://blog:"))
        #expect(postgis.map(\.name) == [
            "CONFIG_PG_DBNAME", "CONFIG_PG_USER", "CONFIG_PG_PASSWORD", "CONFIG_PG_HOST", "CONFIG_PG_PORT", "CONFIG_PG_SQLALCHEMY",
            "DATABASE_URL",
        ])
        #expect(try Client.value("CONFIG_PG_HOST", in: postgis) == postgisNode.address)
        #expect(try Client.value("CONFIG_PG_PORT", in: postgis) == "5432")
        #expect(try Client.value("DATABASE_URL", in: postgis) == Client.value("CONFIG_PG_SQLALCHEMY", in: postgis))
        #expect(try Client.value("DATABASE_URL", in: postgis).hasSuffix("@\(postgisNode.address):5432/blog"))

        // Each password lives on its service node, made once, readable by root only.
        #expect(try await shared.session.output("stat", ["-c", "%a %U", "/var/lib/silverlining/secrets/mysql/blog"], on: mysqlNode.name) == "600 root")
        #expect(try await shared.session.output("stat", ["-c", "%a %U", "/var/lib/silverlining/secrets"], on: postgisNode.name) == "700 root")
        #expect(try await shared.session.output("cat", ["/var/lib/silverlining/secrets/mysql/blog"], on: mysqlNode.name)
            == Client.value("CONFIG_MYSQL_PASSWORD", in: mysql))

        // A client on each app server writes and reads through both.
        let agent = context.agent
        let clients = NodePlan(packages: ServiceSetup.clientPackages(for: [.mysql, .postgis]))
        try await forEachOrThrow([app1, app2, balancer], parallel: 3, name: \.name) { node in
            _ = try await agent.call("apply", request: clients, on: node.reach, as: ApplyReport.self)
        }
        try await ssh.check(
            try Client.mysql("CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(100)); INSERT INTO notes VALUES (1, 'from app1');", mysql),
            on: app1.reach)
        #expect(try await ssh.check(try Client.mysql("SELECT body FROM notes WHERE id = 1;", mysql), on: app2.reach).text.trimmed == "from app1")
        try await ssh.check(
            try Client.psql("""
                CREATE TABLE places (id int PRIMARY KEY, name text, location geometry(Point, 4326));
                INSERT INTO places VALUES (1, 'origin', ST_SetSRID(ST_MakePoint(1, 2), 4326));
                """, postgis),
            on: app2.reach)
        #expect(try await ssh.check(try Client.psql("SELECT ST_AsText(location) FROM places;", postgis), on: app1.reach).text.trimmed == "POINT(1 2)")

        // The same credentials from the balancer are refused.
        let fromBalancerMySQL = try await ssh.run(try Client.mysql("SELECT 1;", mysql), on: balancer.reach)
        #expect(!fromBalancerMySQL.succeeded)
        let fromBalancerPG = try await ssh.run(try Client.psql("SELECT 1;", postgis), on: balancer.reach)
        #expect(!fromBalancerPG.succeeded)
        #expect(fromBalancerPG.errorText.contains("refused") || fromBalancerPG.errorText.contains("no pg_hba.conf entry"), "\(fromBalancerPG.errorText)")
        // MariaDB knows the app's user at the app servers' addresses only.
        let hosts = try await ssh.check(
            Command("mysql", ["--batch", "--skip-column-names"], input: "SELECT Host FROM mysql.user WHERE User = 'blog';"), on: mysqlNode.reach)
        #expect(Set(hosts.text.split(separator: "\n").map(String.init)) == [app1.address, app2.address])
        // PostgreSQL lets the app's role into its own database only.
        let toPostgres = postgis.map { variable in
            guard variable.name == "CONFIG_PG_SQLALCHEMY" else { return variable }
            return EnvironmentVariable(name: variable.name, value: variable.value.replacingOccurrences(of: "/blog", with: "/postgres"))
        }
        let otherDatabase = try await ssh.run(try Client.psql("SELECT 1;", toPostgres), on: app1.reach)
        #expect(!otherDatabase.succeeded)

        // Setting up again changes nothing that matters: same passwords, rows still there.
        let mysqlAgain = try await DatabaseService.mysql.setUp(app: Self.app, placement: mysqlPlacement, context: context)
        let postgisAgain = try await DatabaseService.postgis.setUp(app: Self.app, placement: postgisPlacement, context: context)
        #expect(mysqlAgain == mysql)
        #expect(postgisAgain == postgis)
        #expect(try await ssh.check(try Client.mysql("SELECT COUNT(*) FROM notes;", mysql), on: app1.reach).text.trimmed == "1")
        #expect(try await ssh.check(try Client.psql("SELECT name FROM places;", postgis), on: app2.reach).text.trimmed == "origin")
    }

    @Test func filesAndWritableRootLiveOnEveryAppServerAndSurviveSetUp() async throws {
        let shared = try ServicesNodeset.shared()
        let ssh = shared.session.ssh
        let appservers = shared.nodes(.appserver)
        let environment = try await ServiceSetup(context: shared.context).run(app: Self.app, kinds: [.files, .writableRoot])
        #expect(environment == [
            EnvironmentVariable(name: "CONFIG_FILES", value: "/var/lib/silverlining/apps/blog"),
            EnvironmentVariable(name: "CONFIG_WRITABLE_ROOT", value: "/var/lib/silverlining/writable-roots/blog"),
        ])
        for node in appservers {
            #expect(try await shared.session.output("stat", ["-c", "%U:%G %a", "/var/lib/silverlining/apps/blog"], on: node.name) == "silver-blog:silver-blog 700")
            #expect(try await shared.session.output("stat", ["-c", "%U:%G %a", "/var/lib/silverlining/writable-roots/blog"], on: node.name)
                == "silver-blog:silver-blog 750")
        }
        try await ssh.check(Command("tee", ["/var/lib/silverlining/apps/blog/kept.txt"], input: "kept\n"), on: appservers[0].reach)
        _ = try await ServiceSetup(context: shared.context).run(app: Self.app, kinds: [.files, .writableRoot])
        #expect(try await shared.session.output("cat", ["/var/lib/silverlining/apps/blog/kept.txt"], on: appservers[0].name) == "kept")
    }

    @Test func backupClearAndRestoreRoundTrip() async throws {
        let shared = try ServicesNodeset.shared()
        let ssh = shared.session.ssh
        let app1 = shared.nodes(.appserver)[0]
        let app2 = shared.nodes(.appserver)[1]
        let kinds: [ServiceKind] = [.mysql, .postgis, .files, .writableRoot]
        let setup = ServiceSetup(context: shared.context)
        let environment = try await setup.run(app: "wiki", kinds: kinds)
        _ = try await shared.context.agent.call(
            "apply", request: NodePlan(packages: ServiceSetup.clientPackages(for: kinds)), on: app1.reach, as: ApplyReport.self)
        try await ssh.check(
            try Client.mysql("CREATE TABLE pages (title VARCHAR(50)); INSERT INTO pages VALUES ('Home'), ('About');", environment),
            on: app1.reach)
        try await ssh.check(
            try Client.psql("CREATE TABLE spots (name text, at geometry(Point)); INSERT INTO spots VALUES ('here', ST_MakePoint(3, 4));", environment),
            on: app1.reach)
        try await ssh.check(Command("tee", ["/var/lib/silverlining/apps/wiki/upload.txt"], input: "uploaded\n"), on: app1.reach)
        try await ssh.check(Command("tee", ["/var/lib/silverlining/writable-roots/wiki/robots.txt"], input: "User-agent: *\n"), on: app1.reach)

        let backups = ServiceBackup(context: shared.context)
        #expect(try await backups.kinds(for: .name("wiki")) == kinds)
        let scratch = NSTemporaryDirectory() + "silver-backup-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let directory = scratch + "/wiki-backup"
        let archive = scratch + "/wiki.tar.gz"
        #expect(try await backups.backup(app: .name("wiki"), to: directory) == kinds)
        for kind in kinds {
            #expect(FileManager.default.fileExists(atPath: BackupLayout.path(for: kind, in: directory)), "\(kind)")
        }
        let dump = try Data(contentsOf: URL(fileURLWithPath: BackupLayout.path(for: .postgis, in: directory)))
        #expect(dump.starts(with: Data("PGDMP".utf8)), "pg_dump -Fc output")
        #expect(try await backups.backup(app: .name("wiki"), to: archive) == kinds)
        await #expect(throws: BackupError.destinationExists(directory)) { try await backups.backup(app: .name("wiki"), to: directory) }

        func contents() async throws -> [String] {
            [
                try await ssh.check(try Client.mysql("SELECT title FROM pages ORDER BY title;", environment), on: app2.reach).text.trimmed,
                try await ssh.check(try Client.psql("SELECT name || ' ' || ST_AsText(at) FROM spots;", environment), on: app2.reach).text.trimmed,
                try await ssh.run(Command("cat", ["/var/lib/silverlining/apps/wiki/upload.txt"]), on: app2.reach).text.trimmed,
                try await ssh.run(Command("cat", ["/var/lib/silverlining/writable-roots/wiki/robots.txt"]), on: app1.reach).text.trimmed,
            ]
        }
        let restored = ["About\nHome", "here POINT(3 4)", "uploaded", "User-agent: *"]

        for source in [directory, archive] {
            try await backups.clear(app: .name("wiki"))
            let mysqlTables = try await ssh.check(try Client.mysql("SHOW TABLES;", environment), on: app1.reach).text.trimmed
            #expect(mysqlTables.isEmpty)
            let pgTables = try await ssh.check(
                try Client.psql("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'spatial_ref_sys';", environment),
                on: app1.reach)
            #expect(pgTables.text.trimmed == "0")
            #expect(try await shared.session.output("ls", ["-A", "/var/lib/silverlining/apps/wiki"], on: app1.name).isEmpty)

            #expect(try await backups.restore(app: .name("wiki"), from: source) == kinds)
            // Files come back on every app server, from the first one's backup.
            #expect(try await contents() == restored, "from \(source)")
        }
        // Passwords survive clear and restore.
        #expect(try await setup.run(app: "wiki", kinds: kinds) == environment)
    }

    /// Only the mysql node is created, and stopped at once: the machine runs many nodes and
    /// each booted one costs inotify instances that the host has few of.
    @Test func updateGivesTheAppItsServicesAndKeepsTheirData() async throws {
        let shared = try ServicesNodeset.shared()
        let session = shared.session
        let appservers = shared.nodes(.appserver)
        let mysqlNode = shared.nodes(.service("mysql"))[0]
        let balancer = shared.nodes(.balancer)[0].address
        let host = "www.\(session.nodeset.name).test"
        let v1 = try ServiceApp(version: "1")
        let v2 = try ServiceApp(version: "2")
        defer { v1.remove(); v2.remove() }

        let first = try await Update(session: session, app: try v1.load()).run()
        #expect(first.fetched.first?.contains("version=1") == true)
        let (status, body) = try await Visitor.get(balancer, host: host)
        #expect(status == 200 && body.contains("version=1 mysql=\(mysqlNode.address)"), "\(body)")
        let rowsBefore = try #require(ServiceApp.rows(in: body))
        let password = try await session.output("cat", ["/var/lib/silverlining/secrets/mysql/\(Self.app)"], on: mysqlNode.name)
        for node in appservers {
            try await session.ssh.check(
                Command("tee", ["/var/lib/silverlining/apps/\(Self.app)/kept-by-update.txt"], input: "kept\n"), on: node.reach)
        }

        // Another version: same database, same rows, same password, same files.
        _ = try await Update(session: session, app: try v2.load()).run()
        for _ in 0..<4 {
            let (status, body) = try await Visitor.get(balancer, host: host)
            #expect(status == 200 && body.contains("version=2") && body.contains("files=kept"), "\(body)")
            #expect((ServiceApp.rows(in: body) ?? 0) > rowsBefore, "rows written before the update are still there: \(body)")
        }
        #expect(try await session.output("cat", ["/var/lib/silverlining/secrets/mysql/\(Self.app)"], on: mysqlNode.name) == password)
    }

    @Test func aServiceNodeThatIsDownIsNamed() async throws {
        let fixture = LocalNodesetFixture("down")
        let nodeset = fixture.nodeset(
            appservers: 1, services: ["mysql": 1], locations: [Location(url: "http://www.\(fixture.name).test/", appName: Self.app)])
        let mysqlName = try #require(nodeset.nodes(in: .service("mysql")).first?.name)
        let app = try ServiceApp(version: "1")
        defer { app.remove() }
        try await fixture.run(nodeset) { session in
            try await NodeCreation(session: session).run()
            let mysqlNode = try #require(await session.store.record(named: mysqlName))
            try await LocalProvider().stop(mysqlNode, context: session.providerContext)
            #expect(try await session.provider.state(of: mysqlNode, context: session.providerContext) == .stopped)
            let context = ServiceContext(
                session: session, agent: NodeAgent(ssh: session.ssh, binary: try AgentBinary.locate()),
                topology: Topology(nodeset: nodeset, records: [mysqlNode]))
            let placement = ServicePlacement(kind: .mysql, nodes: [mysqlNode], isLocal: false)
            let clock = ContinuousClock()
            let started = clock.now
            let error = await #expect(throws: ServiceError.self) {
                try await DatabaseService.mysql.setUp(app: "blog", placement: placement, context: context)
            }
            #expect(error == .nodeDown(node: mysqlNode.name, address: mysqlNode.address, purpose: "which runs mysql"))
            #expect(error?.description.contains(mysqlNode.name) == true)
            #expect(started.duration(to: clock.now) < .seconds(10))

            // update stops there too, before anything reaches the app server.
            let updateError = await #expect(throws: (any Error).self) { try await Update(session: session, app: try app.load()).run() }
            #expect(updateError.map { String(describing: $0) }?.contains(mysqlNode.name) == true, "\(String(describing: updateError))")
            let appserver = try #require(nodeset.nodes(in: .appserver).first?.name)
            #expect(try await session.output("find", ["/var", "-maxdepth", "2", "-path", "/var/www/\(Self.app).*"], on: appserver).isEmpty,
                "no instance was uploaded")
        }
        #expect(LocalLeftovers.of(nodeset: nodeset.name).isEmpty)
    }

    /// The shared nodeset seen as if it had only its second app server: a single app server
    /// with no [service:mysql] section, so mysql runs on it, as in single-server Silver Lining.
    @Test func withoutAServiceSectionMySQLRunsOnTheAppServerOnLoopback() async throws {
        let shared = try ServicesNodeset.shared()
        let app2 = shared.nodes(.appserver)[1]
        var single = shared.session.nodeset
        single.nodes = single.nodes.filter { $0.name == app2.name }
        let context = ServiceContext(session: shared.session, agent: shared.context.agent, topology: Topology(nodeset: single, records: [app2]))
        let placement = try ServicePlacement.resolve(kind: .mysql, topology: context.topology)
        #expect(placement.isLocal && placement.nodes == [app2])
        let environment = try await ServiceSetup(context: context).run(app: "solo", kinds: [.mysql])
        #expect(try Client.value("CONFIG_MYSQL_HOST", in: environment) == "127.0.0.1")
        try await shared.session.ssh.check(try Client.mysql("CREATE TABLE t (n INT); INSERT INTO t VALUES (7);", environment), on: app2.reach)
        #expect(try await shared.session.ssh.check(try Client.mysql("SELECT n FROM t;", environment), on: app2.reach).text.trimmed == "7")
        let listening = try await shared.session.output("ss", ["-ltnH", "sport = :3306"], on: app2.name)
        #expect(listening.contains("127.0.0.1:3306") && !listening.contains(app2.address), "\(listening)")
    }
}
