import Foundation

/// PostgreSQL with replicas: streaming replication over the nodeset's private addresses, a
/// physical replication slot per replica on the primary, and synchronous commit, so that a
/// commit an app saw succeed is flushed on a replica. Which replicas a commit waits for is
/// kept by `silver-node database-watch` on the primary: any one that is streaming, none when
/// none is (as MariaDB's semi-synchronous replication does by itself), so that a replica
/// down never stops the app's writes. A node starts as a primary only if silver made it one
/// and no other node answers as one; otherwise it starts as a standby (`standby.signal`).
extension PostgreSQL: ReplicationEngine {
    static var dataDirectory: String { "/var/lib/postgresql/\(version)/main" }
    static var clusterUnit: String { "postgresql@\(version)-main" }
    static var dropInPath: String { "/etc/systemd/system/\(clusterUnit).service.d/silverlining.conf" }
    static var replicationConfigurationPath: String { "\(configurationDirectory)/conf.d/91-silverlining-replication.conf" }
    /// The replication password for libpq, readable by `postgres` only.
    static let passfile = "/var/lib/postgresql/.silver-replication"
    static let watchUnit = "silver-database-watch.service"
    static var watchUnitPath: String { "/etc/systemd/system/\(watchUnit)" }

    /// The slot on the primary and the `application_name` of one node: `silver_` and its name,
    /// as PostgreSQL's identifiers allow (lower-case letters, digits, `_`; 63 at most).
    public static func slotName(_ node: NodeRecord) -> String {
        let cleaned = node.name.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" }
        return String(("silver_" + String(cleaned)).prefix(63))
    }

    public func replicationFiles(on node: NodeRecord, placement: ServicePlacement, topology: Topology) -> [PlannedFile] {
        [
            PlannedFile(Self.dropInPath, content: DatabaseBootFiles.dropIn(phase: "ExecStartPre", plan: bootPlanPath), then: [.run(["systemctl", "daemon-reload"])]),
            PlannedFile(
                Self.watchUnitPath, content: Self.watchUnitText,
                then: [.run(["systemctl", "daemon-reload"]), .restart(unit: Self.watchUnit)]),
            PlannedFile(bootPlanPath, content: DatabaseBootFiles.json(bootPlan(on: node, placement: placement)), mode: 0o644),
            PlannedFile(
                Self.replicationConfigurationPath, content: Self.replicationSettings(for: node, primary: placement.primary),
                owner: "postgres", group: "postgres", then: [.reload(unit: "postgresql")]),
        ]
    }

    /// Settings every node has; `primary_conninfo` and the slot matter only while the node is
    /// a standby, so promoting one needs no change here, and pointing the others at it is a
    /// reload. `synchronous_standby_names` is the watch's (ALTER SYSTEM), not this file's.
    static func replicationSettings(for node: NodeRecord, primary: NodeRecord) -> String {
        let slot = slotName(node)
        return """
            # Written by silver; changes here are replaced.
            hot_standby = on
            hot_standby_feedback = on
            wal_sender_timeout = '10s'
            wal_receiver_timeout = '10s'
            recovery_target_timeline = 'latest'
            primary_conninfo = 'host=\(primary.address) port=\(port) user=\(replicationUser) application_name=\(slot) passfile=\(passfile) connect_timeout=2'
            primary_slot_name = '\(slot)'

            """
    }

    static let watchUnitText = """
        # Written by silver; changes here are replaced.
        [Unit]
        Description=silver: commits wait for a streaming replica, if there is one
        After=\(clusterUnit).service

        [Service]
        User=postgres
        ExecStart=\(NodeLayout.agent) database-watch
        Restart=always
        RestartSec=2

        [Install]
        WantedBy=multi-user.target

        """

    /// Peers are asked `SELECT pg_is_in_recovery()`; `f` is a primary. A node that finds one
    /// starts as a standby.
    func bootPlan(on node: NodeRecord, placement: ServicePlacement) -> DatabaseBootPlan {
        DatabaseBootPlan(
            service: kind.rawValue, primary: node == placement.primary,
            peers: placement.nodes.filter { $0 != node }.map { peer in
                DatabaseBootPlan.Peer(node: peer.name, check: NodeCommand(Self.remotePsql("SELECT pg_is_in_recovery();\n", host: peer.address)))
            },
            secret: replicationSecret, passwordVariable: "PGPASSWORD", primaryAnswer: "f",
            fenceFiles: [PlannedFile(Self.standbySignal, content: "", mode: 0o600, owner: "postgres", group: "postgres")], confirm: [])
    }

    static var standbySignal: String { "\(dataDirectory)/standby.signal" }

    /// psql as the replication account on another node; the password comes in `PGPASSWORD`.
    static func remotePsql(_ sql: String, host: String) -> Command {
        Command(
            "psql", ["host=\(host) port=\(port) user=\(replicationUser) dbname=postgres connect_timeout=2", "--no-psqlrc", "--tuples-only", "--no-align"],
            input: sql, step: "ask \(host)")
    }

    public var appDatabasesSQL: String {
        "SELECT COUNT(*) FROM pg_database WHERE datname NOT IN ('postgres', 'template0', 'template1');\n"
    }

    public func secretFiles(password: String) -> [PlannedFile] {
        [PlannedFile(Self.passfile, content: "*:*:*:\(Self.replicationUser):\(password)\n", mode: 0o600, owner: "postgres", group: "postgres")]
    }

    /// The replication role, a slot for each follower, and no slot for nodes that are gone
    /// (a slot no one reads keeps WAL forever).
    public func primarySQL(password: String, placement: ServicePlacement) -> String {
        let user = Self.replicationUser
        let slots = placement.followers.map(Self.slotName)
        var sql = """
            SELECT format('CREATE ROLE %I', \(Self.literal(user)))
              WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = \(Self.literal(user)))
            \\gexec
            ALTER ROLE \(Self.identifier(user)) WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE REPLICATION PASSWORD \(Self.literal(password));

            """
        for slot in slots {
            sql += "SELECT 1 FROM pg_create_physical_replication_slot(\(Self.literal(slot)))"
                + " WHERE NOT EXISTS (SELECT FROM pg_replication_slots WHERE slot_name = \(Self.literal(slot)));\n"
        }
        let keep = slots.map(Self.literal).joined(separator: ", ")
        sql += "SELECT 1 FROM pg_replication_slots, pg_drop_replication_slot(slot_name) WHERE slot_name LIKE 'silver\\_%' AND NOT active"
            + (keep.isEmpty ? "" : " AND slot_name NOT IN (\(keep))") + ";\n"
        return sql
    }

    public var statusCommand: Command { Self.psql(Self.statusSQL, step: "read PostgreSQL's replication state") }

    static var statusSQL: String {
        """
        SELECT CASE WHEN pg_is_in_recovery() THEN 'replica' ELSE 'primary' END,
          CASE WHEN pg_is_in_recovery() THEN GREATEST(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) ELSE pg_current_wal_lsn() END,
          CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END,
          (SELECT status FROM pg_stat_wal_receiver),
          (SELECT sender_host FROM pg_stat_wal_receiver),
          current_setting('synchronous_standby_names');

        """
    }

    /// One `|`-separated line: role, LSN, lag, the WAL receiver's status and source, and the
    /// standbys commits wait for.
    public func parseStatus(_ text: String) -> ReplicaState {
        let fields = (text.split(separator: "\n").first.map(String.init) ?? "").split(separator: "|", omittingEmptySubsequences: false)
            .map { String($0).trimmed }
        func field(_ index: Int) -> String? { index < fields.count && !fields[index].isEmpty ? fields[index] : nil }
        let writable = field(0) == "primary"
        let position = field(1) ?? ""
        guard !writable else {
            return ReplicaState(
                writable: true, received: Self.progress(position), position: position, waitsForReplica: field(5).map { !$0.isEmpty } ?? false)
        }
        return ReplicaState(
            writable: false, source: field(4), receiving: field(3) == "streaming", applying: true, lag: field(2).flatMap(Double.init),
            received: Self.progress(position), position: position)
    }

    /// An LSN (`16/B374D848`) as one number.
    static func progress(_ lsn: String) -> UInt64 {
        let parts = lsn.split(separator: "/")
        guard parts.count == 2, let high = UInt64(parts[0], radix: 16), let low = UInt64(parts[1], radix: 16) else { return 0 }
        return high << 32 | low
    }

    /// pg_basebackup, run on the node itself and reading from the primary over the network
    /// through the node's slot, then started as a standby.
    public func rebuild(_ node: NodeRecord, placement: ServicePlacement, password: String, context: ServiceContext) async throws {
        for command in Self.rebuildCommands(primary: placement.primary, slot: Self.slotName(node)) {
            try await context.ssh.check(command, on: node.reach)
        }
    }

    static func rebuildCommands(primary: NodeRecord, slot: String) -> [Command] {
        [
            Command("systemctl", ["stop", clusterUnit], step: "stop PostgreSQL"),
            Command("find", [dataDirectory, "-mindepth", "1", "-delete"], step: "empty \(dataDirectory)"),
            asPostgres(
                "pg_basebackup",
                [
                    "--pgdata=\(dataDirectory)", "--dbname=host=\(primary.address) port=\(port) user=\(replicationUser) passfile=\(passfile)",
                    "--no-password", "--wal-method=stream", "--slot=\(slot)", "--checkpoint=fast",
                ], step: "copy \(primary.name)'s data"),
            asPostgres("touch", [standbySignal], step: "make the copy a standby"),
            Command("systemctl", ["start", clusterUnit], step: "start PostgreSQL"),
        ]
    }

    /// PostgreSQL replays everything it received before it leaves recovery.
    public func promote(_ node: NodeRecord, state: ReplicaState, context: ServiceContext) async throws {
        let result = try await context.ssh.check(Self.psql(Self.promoteSQL, step: "promote \(node.name)"), on: node.reach)
        guard result.text.trimmed == "t" else { throw ReplicationError.behind(node: node.name, position: state.position) }
        try await context.ssh.check(Self.psql(Self.noStandbysSQL, step: "let \(node.name)'s commits wait for no standby yet"), on: node.reach)
    }

    /// Out of recovery, then waiting for no standby until the watch sees one stream: the
    /// setting came with the copy of the old primary's data, and names this node.
    static let promoteSQL = "SELECT pg_promote(true, 60);\n"
    static let noStandbysSQL = "ALTER SYSTEM SET synchronous_standby_names = '';\nSELECT pg_reload_conf();\n"

    /// Its settings now name the new primary; a reload points the WAL receiver there, and
    /// `recovery_target_timeline = 'latest'` follows the promotion's new timeline.
    public func follow(_ node: NodeRecord, placement: ServicePlacement, topology: Topology, context: ServiceContext) async throws {
        try await context.apply(NodePlan(files: replicationFiles(on: node, placement: placement, topology: topology)), on: [node])
    }

    /// Restarted as a standby: up, read-only.
    public func fence(_ node: NodeRecord, context: ServiceContext) async throws {
        for command in Self.fenceCommands { try await context.ssh.check(command, on: node.reach) }
    }

    static var fenceCommands: [Command] {
        [
            Command("systemctl", ["stop", clusterUnit], step: "stop PostgreSQL"),
            asPostgres("touch", [standbySignal], step: "make it a standby"),
            Command("systemctl", ["start", clusterUnit], step: "start PostgreSQL as a standby"),
        ]
    }

    public func makeWritable(_ node: NodeRecord, context: ServiceContext) async throws {
        guard try await !state(of: node, context: context).writable else { return }
        try await promote(node, state: ReplicaState(writable: false), context: context)
    }
}
