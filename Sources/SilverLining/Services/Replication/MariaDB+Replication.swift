import Foundation

/// MariaDB with replicas: GTID replication over the nodeset's private addresses, and
/// semi-synchronous (MariaDB 10.11's built-in `rpl_semi_sync_master`/`_slave`), so that a
/// commit an app saw succeed is in a replica's relay log. Every node keeps a binary log of
/// what it applies, so any can become the primary, and starts read-only: the boot plan makes
/// the primary writable once no other node answers as one.
extension MariaDB: ReplicationEngine {
    static let dataDirectory = "/var/lib/mysql"
    static let dropInPath = "/etc/systemd/system/mariadb.service.d/silverlining.conf"

    /// Added to the server's configuration on every node of a replicated service.
    /// `AFTER_SYNC`: a commit is visible to other sessions only once a replica has it. When no
    /// replica is connected the primary does not wait (`wait_no_slave = OFF`), and one that
    /// has not answered in 10 s is left behind until it catches up, so that a replica down
    /// never stops the app's writes; `silver query` shows when that happened.
    static func replicationSettings(serverID: Int) -> String {
        """
        # Replication: see `silver query` for each node's role.
        server_id = \(serverID)
        log_bin = mysql-bin
        log_slave_updates = ON
        binlog_format = ROW
        gtid_strict_mode = ON
        relay_log = relay-bin
        read_only = ON
        slave_net_timeout = 10
        rpl_semi_sync_master_enabled = ON
        rpl_semi_sync_slave_enabled = ON
        rpl_semi_sync_master_wait_point = AFTER_SYNC
        rpl_semi_sync_master_wait_no_slave = OFF
        rpl_semi_sync_master_timeout = 10000

        """
    }

    public func replicationFiles(on node: NodeRecord, placement: ServicePlacement, topology: Topology) -> [PlannedFile] {
        [
            PlannedFile(Self.dropInPath, content: DatabaseBootFiles.dropIn(phase: "ExecStartPost", plan: bootPlanPath), then: [.run(["systemctl", "daemon-reload"])]),
            PlannedFile(bootPlanPath, content: DatabaseBootFiles.json(bootPlan(on: node, placement: placement)), mode: 0o644),
        ]
    }

    /// Peers are asked `SELECT @@read_only`; `0` is a writable primary.
    func bootPlan(on node: NodeRecord, placement: ServicePlacement) -> DatabaseBootPlan {
        DatabaseBootPlan(
            service: kind.rawValue, primary: node == placement.primary,
            peers: placement.nodes.filter { $0 != node }.map { peer in
                DatabaseBootPlan.Peer(node: peer.name, check: NodeCommand(Self.remoteClient("SELECT @@read_only;\n", host: peer.address)))
            },
            secret: replicationSecret, passwordVariable: "MYSQL_PWD", primaryAnswer: "0", fenceFiles: [],
            confirm: [NodeCommand(Self.client(Self.writableSQL, step: "make the primary writable"))])
    }

    /// The client as the replication account on another node; the password comes in `MYSQL_PWD`.
    static func remoteClient(_ sql: String, host: String) -> Command {
        Command(
            "mysql", ["--batch", "--skip-column-names", "--connect-timeout=2", "--host=\(host)", "--port=\(port)", "--user=\(replicationUser)"],
            input: sql, step: "ask \(host)")
    }

    public func secretFiles(password: String) -> [PlannedFile] { [] }

    public var appDatabasesSQL: String {
        "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys');\n"
    }

    /// One replication account per service node address, as app accounts are per app server.
    public func primarySQL(password: String, placement: ServicePlacement) -> String {
        placement.nodes.map { node in
            let account = "\(Self.literal(Self.replicationUser))@\(Self.literal(node.address))"
            return """
                CREATE USER IF NOT EXISTS \(account) IDENTIFIED BY \(Self.literal(password));
                ALTER USER \(account) IDENTIFIED BY \(Self.literal(password));
                GRANT REPLICATION SLAVE ON *.* TO \(account);

                """
        }.joined()
    }

    /// With column names: SHOW SLAVE STATUS's vertical form names each value only then.
    public var statusCommand: Command {
        Command("mysql", ["--batch", "--default-character-set=utf8mb4"], input: Self.statusSQL, step: "read MariaDB's replication state")
    }

    /// Whether the node is read-only, what it has written, whether its commits wait for a
    /// replica (semi-synchronous on, and one connected), and what it replicates.
    static let statusSQL = """
        SELECT @@read_only AS read_only, @@gtid_binlog_pos AS written,
          (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'RPL_SEMI_SYNC_MASTER_STATUS') = 'ON'
            AND (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'RPL_SEMI_SYNC_MASTER_CLIENTS') > 0 AS waits;
        SHOW SLAVE STATUS\\G

        """

    /// A header and a tab-separated line for the SELECT; then SHOW SLAVE STATUS as
    /// `Key: value` lines, or nothing on a node that is no replica.
    public func parseStatus(_ text: String) -> ReplicaState {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let first = (lines.dropFirst().first ?? "").split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        var fields: [String: String] = [:]
        for line in lines.dropFirst(2) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].trimmed] = String(line[line.index(after: colon)...]).trimmed
        }
        let writable = first.first == "0"
        guard let host = fields["Master_Host"], !host.isEmpty else {
            let position = first.count > 1 ? first[1] : ""
            return ReplicaState(
                writable: writable, received: Self.progress(position), position: position, waitsForReplica: first.count > 2 ? first[2] == "1" : nil)
        }
        let received = fields["Gtid_IO_Pos"] ?? ""
        let errors = [fields["Last_IO_Error"], fields["Last_SQL_Error"]].compactMap { $0 }.filter { !$0.isEmpty }
        return ReplicaState(
            writable: writable, source: host, receiving: fields["Slave_IO_Running"] == "Yes", applying: fields["Slave_SQL_Running"] == "Yes",
            lag: fields["Seconds_Behind_Master"].flatMap(Double.init), received: Self.progress(received), position: received,
            error: errors.isEmpty ? nil : errors.joined(separator: "; "))
    }

    /// How far a GTID list (`0-1-42,1-3-7`) reaches: its sequence numbers added up. With
    /// gtid_strict_mode they only grow, so of two nodes of one service the larger is ahead.
    static func progress(_ gtids: String) -> UInt64 {
        gtids.split(separator: ",").reduce(0) { sum, gtid in
            sum + (gtid.split(separator: "-").last.flatMap { UInt64($0.trimmed) } ?? 0)
        }
    }

    /// A physical copy with mariabackup, made and prepared on the primary, carried over this
    /// machine (nodes cannot reach each other over SSH), put in place of the node's data,
    /// and replicated from the GTID the copy was taken at.
    public func rebuild(_ node: NodeRecord, placement: ServicePlacement, password: String, context: ServiceContext) async throws {
        let primary = placement.primary
        let local = try LocalScratch.make(beside: NSTemporaryDirectory() + "silver-rebuild")
        defer { LocalScratch.remove(local) }
        let archive = "\(local)/data.tar"
        let source = NodeFiles(ssh: context.ssh, node: primary.reach)
        try await source.withScratchDirectory { scratch in
            for command in Self.copyCommands(into: scratch) { try await context.ssh.check(command, on: primary.reach) }
            try await source.fetch("\(scratch)/data.tar", to: archive)
        }
        let target = NodeFiles(ssh: context.ssh, node: node.reach)
        try await target.withScratchDirectory { scratch in
            try await target.send(archive, to: "\(scratch)/data.tar")
            for command in Self.replaceCommands(from: "\(scratch)/data.tar") { try await context.ssh.check(command, on: node.reach) }
        }
        let info = try await context.ssh.check(Command("cat", [Self.backupPositionFile], step: "read the copy's GTID"), on: node.reach)
        try await context.check(
            Self.client(Self.followSQL(primary: primary.address, password: password, gtid: Self.gtid(inBinlogInfo: info.text)),
                step: "replicate from \(primary.name)"),
            on: node, hiding: password)
    }

    /// mariabackup's record of where the copy stands in the binary log: `FILE\tPOS\tGTID`.
    static let backupPositionFile = "\(dataDirectory)/xtrabackup_binlog_info"

    static func gtid(inBinlogInfo text: String) -> String {
        let fields = text.trimmed.split(separator: "\t")
        return fields.count >= 3 ? String(fields[2]).trimmed : ""
    }

    /// On the primary: the copy, made consistent, in one archive in `scratch`.
    static func copyCommands(into scratch: String) -> [Command] {
        [
            Command("mariabackup", ["--backup", "--target-dir=\(scratch)/data"], step: "copy the primary's data"),
            Command("mariabackup", ["--prepare", "--target-dir=\(scratch)/data"], step: "prepare the copy"),
            Command("tar", ["--create", "--file=\(scratch)/data.tar", "--directory=\(scratch)/data", "."], step: "archive the copy"),
        ]
    }

    /// On the replica: the server stopped, its data replaced by the copy, started again.
    static func replaceCommands(from archive: String) -> [Command] {
        [
            Command("systemctl", ["stop", "mariadb"], step: "stop MariaDB"),
            Command("find", [dataDirectory, "-mindepth", "1", "-delete"], step: "empty \(dataDirectory)"),
            Command("tar", ["--extract", "--file=\(archive)", "--directory=\(dataDirectory)"], step: "unpack the primary's copy"),
            Command("chown", ["-R", "mysql:mysql", dataDirectory], step: "give the copy to mysql"),
            Command("systemctl", ["start", "mariadb"], step: "start MariaDB"),
        ]
    }

    /// Replicates from `primary` by GTID, from `gtid` when given (a fresh copy's position),
    /// else from where the node stands.
    static func followSQL(primary: String, password: String, gtid: String?) -> String {
        var lines = ["STOP SLAVE;", "RESET SLAVE ALL;"]
        if let gtid { lines.append("SET GLOBAL gtid_slave_pos = \(literal(gtid));") }
        lines.append(
            "CHANGE MASTER TO MASTER_HOST = \(literal(primary)), MASTER_PORT = \(port), MASTER_USER = \(literal(replicationUser)), "
                + "MASTER_PASSWORD = \(literal(password)), MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1;")
        lines.append("START SLAVE;")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Once the node has applied everything it received, it stops replicating and takes writes.
    public func promote(_ node: NodeRecord, state: ReplicaState, context: ServiceContext) async throws {
        if !state.position.isEmpty {
            let waited = try await context.ssh.check(
                Self.client(Self.appliedSQL(upTo: state.position), step: "wait until \(node.name) has applied what it received"), on: node.reach)
            guard waited.text.trimmed == "0" else { throw ReplicationError.behind(node: node.name, position: state.position) }
        }
        try await context.ssh.check(Self.client(Self.promoteSQL, step: "promote \(node.name)"), on: node.reach)
    }

    /// Prints 0 once the node has applied `position`, -1 if it has not after 60 s.
    static func appliedSQL(upTo position: String) -> String {
        "SELECT MASTER_GTID_WAIT(\(literal(position)), 60);\n"
    }

    static let promoteSQL = "STOP SLAVE;\nRESET SLAVE ALL;\n" + writableSQL

    static let writableSQL = "SET GLOBAL read_only = OFF;\n"

    public func follow(_ node: NodeRecord, placement: ServicePlacement, topology: Topology, context: ServiceContext) async throws {
        try await context.ssh.check(
            Self.client(Self.repointSQL(primary: placement.primary.address), step: "replicate from \(placement.primary.name)"), on: node.reach)
    }

    /// The same account and password, another source; GTIDs say where to go on.
    static func repointSQL(primary: String) -> String {
        "STOP SLAVE;\nCHANGE MASTER TO MASTER_HOST = \(literal(primary)), MASTER_PORT = \(port), MASTER_USE_GTID = slave_pos;\nSTART SLAVE;\n"
    }

    public func fence(_ node: NodeRecord, context: ServiceContext) async throws {
        try await context.ssh.check(Self.client(Self.readOnlySQL, step: "make \(node.name) read-only"), on: node.reach)
    }

    static let readOnlySQL = "SET GLOBAL read_only = ON;\n"

    public func makeWritable(_ node: NodeRecord, context: ServiceContext) async throws {
        try await context.ssh.check(Self.client(Self.writableSQL, step: "make \(node.name) writable"), on: node.reach)
    }
}
