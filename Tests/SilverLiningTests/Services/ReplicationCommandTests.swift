import Foundation
import Testing

@testable import SilverLining

/// What replication runs on database nodes, checked as values: configuration, SQL,
/// commands, and how each engine's status output is read. Passwords go in SQL on standard
/// input or in a file the engine reads, never in a program's arguments.
@Suite struct ReplicationCommandTests {
    let topology = ServiceTopologies.make(appservers: 2, services: ["mysql": 2, "postgresql": 3])
    var mysql: ServicePlacement { try! ServicePlacement.resolve(kind: .mysql, topology: topology) }
    var postgresql: ServicePlacement { try! ServicePlacement.resolve(kind: .postgresql, topology: topology) }

    func decodedBootPlan(_ plan: NodePlan, path: String) throws -> DatabaseBootPlan {
        let file = try #require(plan.files.first { $0.path == path })
        return try JSONDecoder().decode(DatabaseBootPlan.self, from: Data(file.content.utf8))
    }

    @Test("MariaDB: every node logs binary, starts read-only and semi-synchronous, with its own server id")
    func mariaDBConfiguration() throws {
        let (first, second) = (mysql.nodes[0], mysql.nodes[1])
        let plan = MariaDB().serverPlan(on: second, placement: mysql, topology: topology)
        #expect(plan.packages == ["mariadb-server", "mariadb-client", "mariadb-backup"])
        #expect(plan.files.map(\.path) == [MariaDB.dropInPath, "/etc/silverlining/databases/mysql.json", MariaDB.configurationPath],
            "the drop-in is written, and systemd reloaded, before MariaDB restarts")
        let settings = try #require(plan.files.last?.content)
        for line in [
            "bind-address = \(second.address)", "server_id = 2", "log_bin = mysql-bin", "log_slave_updates = ON", "gtid_strict_mode = ON",
            "read_only = ON", "rpl_semi_sync_master_enabled = ON", "rpl_semi_sync_slave_enabled = ON",
            "rpl_semi_sync_master_wait_point = AFTER_SYNC", "rpl_semi_sync_master_wait_no_slave = OFF",
        ] {
            #expect(settings.contains(line + "\n"), "\(line)")
        }
        #expect(MariaDB().serverPlan(on: first, placement: mysql, topology: topology).files.last?.content.contains("server_id = 1\n") == true)
        #expect(plan.files[0].content.contains("ExecStartPost=-+/usr/local/lib/silverlining/silver-node database-boot /etc/silverlining/databases/mysql.json\n"))
        #expect(plan.files[0].then == [.run(["systemctl", "daemon-reload"])])
    }

    @Test("MariaDB's boot plan: the primary asks the others for @@read_only with the replication password in MYSQL_PWD")
    func mariaDBBootPlan() throws {
        let (first, second) = (mysql.nodes[0], mysql.nodes[1])
        let primary = try decodedBootPlan(MariaDB().serverPlan(on: first, placement: mysql, topology: topology), path: MariaDB().bootPlanPath)
        #expect(primary.primary && primary.service == "mysql")
        #expect(primary.secret == "replication/mysql" && primary.passwordVariable == "MYSQL_PWD" && primary.primaryAnswer == "0")
        #expect(primary.peers.map(\.node) == [second.name])
        #expect(primary.peers[0].check.words == [
            "mysql", "--batch", "--skip-column-names", "--connect-timeout=2", "--host=\(second.address)", "--port=3306",
            "--user=silver_replication",
        ])
        #expect(primary.peers[0].check.input == "SELECT @@read_only;\n")
        #expect(primary.fenceFiles.isEmpty, "MariaDB starts read-only from its configuration")
        #expect(primary.confirm.map(\.input) == ["SET GLOBAL read_only = OFF;\n"])
        let replica = try decodedBootPlan(MariaDB().serverPlan(on: second, placement: mysql, topology: topology), path: MariaDB().bootPlanPath)
        #expect(!replica.primary)
    }

    @Test func mariaDBReplicationSQL() {
        #expect(MariaDB().primarySQL(password: "p'w", placement: mysql) == """
            CREATE USER IF NOT EXISTS 'silver_replication'@'10.4.3.4' IDENTIFIED BY 'p''w';
            ALTER USER 'silver_replication'@'10.4.3.4' IDENTIFIED BY 'p''w';
            GRANT REPLICATION SLAVE ON *.* TO 'silver_replication'@'10.4.3.4';
            CREATE USER IF NOT EXISTS 'silver_replication'@'10.4.3.5' IDENTIFIED BY 'p''w';
            ALTER USER 'silver_replication'@'10.4.3.5' IDENTIFIED BY 'p''w';
            GRANT REPLICATION SLAVE ON *.* TO 'silver_replication'@'10.4.3.5';

            """)
        #expect(MariaDB.followSQL(primary: "10.4.3.4", password: "pw", gtid: "0-1-7") == """
            STOP SLAVE;
            RESET SLAVE ALL;
            SET GLOBAL gtid_slave_pos = '0-1-7';
            CHANGE MASTER TO MASTER_HOST = '10.4.3.4', MASTER_PORT = 3306, MASTER_USER = 'silver_replication', MASTER_PASSWORD = 'pw', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1;
            START SLAVE;

            """)
        #expect(MariaDB.repointSQL(primary: "10.4.3.5")
            == "STOP SLAVE;\nCHANGE MASTER TO MASTER_HOST = '10.4.3.5', MASTER_PORT = 3306, MASTER_USE_GTID = slave_pos;\nSTART SLAVE;\n")
        #expect(MariaDB.appliedSQL(upTo: "0-1-42") == "SELECT MASTER_GTID_WAIT('0-1-42', 60);\n")
        #expect(MariaDB.promoteSQL == "STOP SLAVE;\nRESET SLAVE ALL;\nSET GLOBAL read_only = OFF;\n")
    }

    @Test("MariaDB is copied with mariabackup, prepared on the primary, and put in place of the replica's data")
    func mariaDBRebuildCommands() {
        #expect(MariaDB.copyCommands(into: "/var/tmp/s").map(\.words) == [
            ["mariabackup", "--backup", "--target-dir=/var/tmp/s/data"],
            ["mariabackup", "--prepare", "--target-dir=/var/tmp/s/data"],
            ["tar", "--create", "--file=/var/tmp/s/data.tar", "--directory=/var/tmp/s/data", "."],
        ])
        #expect(MariaDB.replaceCommands(from: "/var/tmp/r/data.tar").map(\.words) == [
            ["systemctl", "stop", "mariadb"],
            ["find", "/var/lib/mysql", "-mindepth", "1", "-delete"],
            ["tar", "--extract", "--file=/var/tmp/r/data.tar", "--directory=/var/lib/mysql"],
            ["chown", "-R", "mysql:mysql", "/var/lib/mysql"],
            ["systemctl", "start", "mariadb"],
        ])
        #expect(MariaDB.gtid(inBinlogInfo: "mysql-bin.000001\t1587\t0-1-7\n") == "0-1-7")
        #expect(MariaDB.gtid(inBinlogInfo: "mysql-bin.000001\t4\n") == "")
    }

    @Test("MariaDB's status: a replica's source, threads, lag and received GTIDs; a primary's written GTIDs")
    func mariaDBStatus() {
        let replica = MariaDB().parseStatus("""
            read_only\twritten\twaits
            1\t0-1-8\t0
            *************************** 1. row ***************************
                           Slave_IO_State: Waiting for master to send event
                              Master_Host: 10.4.3.4
                         Slave_IO_Running: Yes
                        Slave_SQL_Running: Yes
                    Seconds_Behind_Master: 3
                            Last_IO_Error: 
                           Last_SQL_Error: 
                              Gtid_IO_Pos: 0-1-9,1-2-3

            """)
        #expect(replica == ReplicaState(
            writable: false, source: "10.4.3.4", receiving: true, applying: true, lag: 3, received: 12, position: "0-1-9,1-2-3"))
        #expect(replica.follows(mysql.nodes[0]))
        #expect(!replica.follows(mysql.nodes[1]))

        let broken = MariaDB().parseStatus("read_only\twritten\twaits\n1\t\t0\n  Master_Host: 10.4.3.4\n  Slave_IO_Running: Connecting\n  Slave_SQL_Running: Yes\n  Seconds_Behind_Master: NULL\n  Last_IO_Error: error connecting to master\n")
        #expect(!broken.receiving && broken.lag == nil && broken.error == "error connecting to master")

        let primary = MariaDB().parseStatus("read_only\twritten\twaits\n0\t0-1-42\t1\n")
        #expect(primary == ReplicaState(writable: true, received: 42, position: "0-1-42", waitsForReplica: true))
        #expect(MariaDB.progress("0-1-42,1-3-7") == 49)
        #expect(MariaDB().statusCommand.words == ["mysql", "--batch", "--default-character-set=utf8mb4"],
            "with column names, which SHOW SLAVE STATUS's vertical form needs")
    }

    @Test("PostgreSQL: every node has the same settings but its slot; the primary's matter only once a node is a standby")
    func postgresConfiguration() throws {
        let (first, second) = (postgresql.nodes[0], postgresql.nodes[1])
        let plan = PostgreSQL.postgresql.serverPlan(on: second, placement: postgresql, topology: topology)
        #expect(plan.services == ["postgresql", "silver-database-watch.service"])
        #expect(Array(plan.files.map(\.path).prefix(4)) == [
            PostgreSQL.dropInPath, PostgreSQL.watchUnitPath, "/etc/silverlining/databases/postgresql.json", PostgreSQL.replicationConfigurationPath,
        ])
        #expect(PostgreSQL.replicationSettings(for: second, primary: first) == """
            # Written by silver; changes here are replaced.
            hot_standby = on
            hot_standby_feedback = on
            wal_sender_timeout = '10s'
            wal_receiver_timeout = '10s'
            recovery_target_timeline = 'latest'
            primary_conninfo = 'host=\(first.address) port=5432 user=silver_replication application_name=silver_postgresql2_example_com passfile=/var/lib/postgresql/.silver-replication connect_timeout=2'
            primary_slot_name = 'silver_postgresql2_example_com'

            """)
        #expect(plan.files[0].content.contains("ExecStartPre=-+/usr/local/lib/silverlining/silver-node database-boot /etc/silverlining/databases/postgresql.json\n"))
        #expect(PostgreSQL.watchUnitText.contains("User=postgres\nExecStart=/usr/local/lib/silverlining/silver-node database-watch\n"))
        let passfile = try #require(PostgreSQL.postgresql.secretFiles(password: "pw").first)
        #expect(passfile.path == "/var/lib/postgresql/.silver-replication" && passfile.mode == 0o600 && passfile.owner == "postgres")
        #expect(passfile.content == "*:*:*:silver_replication:pw\n")
        let slot = PostgreSQL.slotName(NodeRecord(name: String(repeating: "a", count: 80) + ".Example-1.com", role: .service("postgresql"), address: "", providerID: ""))
        #expect(slot.count == 63 && slot.hasPrefix("silver_aaaa") && slot.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" })
    }

    @Test("PostgreSQL's pg_hba lets the replication role stream, and ask, from the service's nodes only")
    func postgresHostBasedAccess() throws {
        let plan = PostgreSQL.postgresql.serverPlan(on: postgresql.nodes[0], placement: postgresql, topology: topology)
        let hba = try #require(plan.files.first { $0.path.hasSuffix("pg_hba.conf") }?.content)
        let lines = hba.split(separator: "\n").filter { $0.contains("silver_replication") }.map { $0.split(separator: " ").joined(separator: " ") }
        #expect(lines == postgresql.nodes.flatMap { node in
            ["host replication silver_replication \(node.address)/32 scram-sha-256", "host postgres silver_replication \(node.address)/32 scram-sha-256"]
        })
        let order = hba.split(separator: "\n")
        let replication = try #require(order.firstIndex { $0.contains("silver_replication") })
        #expect(replication < (order.firstIndex { $0.contains("sameuser") } ?? 0), "before the rules it would otherwise fall under")
    }

    @Test("PostgreSQL's boot plan: a node that finds a primary among the others starts as a standby")
    func postgresBootPlan() throws {
        let plan = try decodedBootPlan(
            PostgreSQL.postgresql.serverPlan(on: postgresql.nodes[0], placement: postgresql, topology: topology), path: PostgreSQL.postgresql.bootPlanPath)
        #expect(plan.primary && plan.passwordVariable == "PGPASSWORD" && plan.primaryAnswer == "f")
        #expect(plan.peers.map(\.node) == postgresql.nodes.dropFirst().map(\.name))
        #expect(plan.peers[0].check.words[1] == "host=\(postgresql.nodes[1].address) port=5432 user=silver_replication dbname=postgres connect_timeout=2")
        #expect(plan.fenceFiles.map(\.path) == ["/var/lib/postgresql/15/main/standby.signal"])
        #expect(plan.fenceFiles[0].owner == "postgres")
        #expect(plan.confirm.isEmpty)
    }

    @Test func postgresReplicationSQL() {
        let sql = PostgreSQL.postgresql.primarySQL(password: "p'w", placement: postgresql)
        #expect(sql.contains("ALTER ROLE \"silver_replication\" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE REPLICATION PASSWORD 'p''w';"))
        #expect(sql.contains("SELECT 1 FROM pg_create_physical_replication_slot('silver_postgresql2_example_com') WHERE NOT EXISTS (SELECT FROM pg_replication_slots WHERE slot_name = 'silver_postgresql2_example_com');"))
        #expect(sql.contains("pg_create_physical_replication_slot('silver_postgresql3_example_com')"))
        #expect(!sql.contains("pg_create_physical_replication_slot('silver_postgresql1_example_com')"), "the primary has no slot for itself")
        #expect(sql.hasSuffix("SELECT 1 FROM pg_replication_slots, pg_drop_replication_slot(slot_name) WHERE slot_name LIKE 'silver\\_%' AND NOT active AND slot_name NOT IN ('silver_postgresql2_example_com', 'silver_postgresql3_example_com');\n"))
        #expect(PostgreSQL.promoteSQL == "SELECT pg_promote(true, 60);\n")
    }

    @Test("PostgreSQL is copied by pg_basebackup on the replica, through its slot, and started as a standby")
    func postgresRebuildCommands() {
        let commands = PostgreSQL.rebuildCommands(primary: postgresql.nodes[0], slot: "silver_b")
        #expect(commands.map(\.words) == [
            ["systemctl", "stop", "postgresql@15-main"],
            ["find", "/var/lib/postgresql/15/main", "-mindepth", "1", "-delete"],
            ["env", "-C", "/", "runuser", "-u", "postgres", "--", "pg_basebackup", "--pgdata=/var/lib/postgresql/15/main",
             "--dbname=host=\(postgresql.nodes[0].address) port=5432 user=silver_replication passfile=/var/lib/postgresql/.silver-replication",
             "--no-password", "--wal-method=stream", "--slot=silver_b", "--checkpoint=fast"],
            ["env", "-C", "/", "runuser", "-u", "postgres", "--", "touch", "/var/lib/postgresql/15/main/standby.signal"],
            ["systemctl", "start", "postgresql@15-main"],
        ])
        #expect(PostgreSQL.fenceCommands.map(\.words.last) == ["postgresql@15-main", "/var/lib/postgresql/15/main/standby.signal", "postgresql@15-main"])
    }

    @Test func postgresStatus() {
        let replica = PostgreSQL.postgresql.parseStatus("replica|0/3000148|1.5|streaming|10.4.3.6|\n")
        #expect(replica == ReplicaState(
            writable: false, source: "10.4.3.6", receiving: true, applying: true, lag: 1.5, received: 0x3000148, position: "0/3000148"))
        let fenced = PostgreSQL.postgresql.parseStatus("replica|0/5000000|0|||\n")
        #expect(fenced.source == nil && !fenced.receiving)
        let primary = PostgreSQL.postgresql.parseStatus("primary|1/0|0|||ANY 1 (\"silver_b\")\n")
        #expect(primary == ReplicaState(writable: true, received: 1 << 32, position: "1/0", waitsForReplica: true))
        #expect(PostgreSQL.postgresql.parseStatus("primary|1/0|0|||\n").waitsForReplica == false)
        #expect(PostgreSQL.progress("16/B374D848") == 0x16_B374_D848)
    }

    @Test("a failover rewrites a variable only where it has the value another node as primary would have given")
    func failoverRewrites() throws {
        var roles = topology
        roles.databaseRoles["mysql"] = DatabaseRoles(primary: "mysql2.example.com", fenced: ["mysql1.example.com"])
        let placement = try ServicePlacement.resolve(kind: .mysql, topology: roles)
        let rewrites = DatabaseFailover.rewrites(app: "blog", password: "pw", service: .mysql, placement: placement)
        let old = placement.nodes[0].address
        let new = placement.nodes[1].address
        let host = try #require(rewrites.first { $0.name == "CONFIG_MYSQL_HOST" })
        #expect(host == EnvironmentRewrite(app: "blog", name: "CONFIG_MYSQL_HOST", value: new, replaces: [old, new]))
        let url = try #require(rewrites.first { $0.name == "DATABASE_URL" })
        #expect(url.value == "mysql://blog:pw@\(new):3306/blog")
        #expect(url.replaces == ["mysql://blog:pw@\(old):3306/blog", "mysql://blog:pw@\(new):3306/blog"])
        #expect(rewrites.first { $0.name == "CONFIG_MYSQL_REPLICAS" } == EnvironmentRewrite(app: "blog", name: "CONFIG_MYSQL_REPLICAS", value: "", replaces: nil),
            "the fenced old primary is nobody's replica")
        #expect(rewrites.first { $0.name == "CONFIG_MYSQL_PASSWORD" }?.replaces == ["pw"])
    }

    @Test("the database port is open between a replicated service's nodes, and from app servers only")
    func firewall() {
        let rules = Firewall.rules(for: .service("postgresql"), in: topology.nodeset)
        #expect(rules.contains(FirewallRule(port: 5432, source: .roles([.appserver, .service("postgresql")]), purpose: "postgresql")))
        let single = ServiceTopologies.make(appservers: 2, services: ["mysql": 1])
        #expect(Firewall.rules(for: .service("mysql"), in: single.nodeset).contains(FirewallRule(port: 3306, source: .roles([.appserver]), purpose: "mysql")))
        let node = topology.nodes(in: .service("mysql"))[0]
        let rendered = NftablesRuleset.render(for: node, topology: topology)
        #expect(rendered.contains("ip saddr { 10.4.3.2, 10.4.3.3, 10.4.3.4, 10.4.3.5 } tcp dport 3306 accept comment \"mysql\""))
    }

    @Test("query: each node's state, as a person reads it")
    func queryWords() {
        #expect(DatabaseQuery.describe(ReplicaState(writable: true, waitsForReplica: true), role: "primary", placement: mysql)
            == "writable, commits wait for a replica")
        #expect(DatabaseQuery.describe(ReplicaState(writable: true, waitsForReplica: false), role: "primary", placement: mysql)
            == "writable, alone: no replica in step")
        #expect(DatabaseQuery.describe(
            ReplicaState(writable: false, source: mysql.nodes[0].address, receiving: true, applying: true, lag: 0), role: "replica", placement: mysql)
            == "replicating")
        #expect(DatabaseQuery.describe(ReplicaState(writable: false), role: "fenced", placement: mysql) == "read-only, not replicating")
        #expect(DatabaseQuery.describe(ReplicaState(writable: true), role: "fenced", placement: mysql) == "writable: not fenced")
        let table = DatabaseQuery.table([DatabaseQuery.Row(node: "mysql2", service: "mysql", role: "replica", state: "replicating", lag: 0.4)])
        #expect(table == "NODE    SERVICE  ROLE     STATE        LAG\nmysql2  mysql    replica  replicating  0 s\n")
    }
}
