/// The database server on a `[service:NAME]` node: installed from Debian, listening on the
/// node's own address, and accepting connections from the app servers only.
public enum DatabaseServers {
    /// Debian 12's PostgreSQL.
    public static let postgresVersion = "15"

    public static func plan(for kind: ServiceKind, node: NodeRecord, topology: Topology) -> NodePlan {
        switch kind {
        case .mysql:
            return NodePlan(
                packages: ["mariadb-server", "mariadb-client"],
                files: [
                    PlannedFile("/etc/mysql/mariadb.conf.d/90-silverlining.cnf", content: """
                        # Written by silver setup-node; changes here are replaced.
                        [mysqld]
                        bind-address = \(node.address)
                        skip-name-resolve

                        """, then: [.restart(unit: "mariadb")])
                ],
                services: ["mariadb"])
        case .postgresql, .postgis:
            let directory = "/etc/postgresql/\(postgresVersion)/main"
            let appServers = topology.addresses(of: .appserver).map { "host    all  all  \($0)/32  scram-sha-256" }
            return NodePlan(
                packages: ["postgresql", "postgresql-client"] + (kind == .postgis ? ["postgresql-\(postgresVersion)-postgis-3"] : []),
                files: [
                    PlannedFile("\(directory)/conf.d/90-silverlining.conf", content: """
                        # Written by silver setup-node; changes here are replaced.
                        listen_addresses = 'localhost,\(node.address)'
                        password_encryption = scram-sha-256

                        """, owner: "postgres", group: "postgres", then: [.restart(unit: "postgresql")]),
                    PlannedFile("\(directory)/pg_hba.conf", content: """
                        # Written by silver setup-node; changes here are replaced.
                        local   all  postgres  peer
                        local   all  all  peer
                        host    all  all  127.0.0.1/32  scram-sha-256
                        host    all  all  ::1/128  scram-sha-256
                        \(appServers.joined(separator: "\n"))

                        """, mode: 0o640, owner: "postgres", group: "postgres", then: [.reload(unit: "postgresql")]),
                ],
                services: ["postgresql"])
        case .files, .writableRoot:
            return NodePlan()
        }
    }
}
