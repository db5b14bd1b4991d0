/// Keeps PostgreSQL's `synchronous_standby_names` on a primary to the silver replicas that
/// stream from it now: commits wait for any one of them, and for none when none streams.
/// That is what MariaDB's semi-synchronous replication does by itself, and what keeps a
/// replica that is down from stopping every write. Runs as `postgres` under systemd
/// (`silver-node database-watch`) on each node of a replicated PostgreSQL; standbys ignore it.
public struct DatabaseWatch: Sendable {
    public var runner: CommandRunner

    public init(runner: CommandRunner = CommandRunner()) {
        self.runner = runner
    }

    /// Whether the node is in recovery, what commits wait for now, and silver's streaming standbys.
    public static let statusSQL = """
        SELECT pg_is_in_recovery(), current_setting('synchronous_standby_names'),
          COALESCE((SELECT string_agg(application_name, ' ' ORDER BY application_name) FROM pg_stat_replication
            WHERE state = 'streaming' AND application_name LIKE 'silver\\_%'), '');

        """

    public static func psql(_ sql: String) -> Command {
        Command("psql", ["--no-psqlrc", "--quiet", "--tuples-only", "--no-align", "--set=ON_ERROR_STOP=1", "--dbname=postgres"], input: sql)
    }

    /// `ANY 1 ("a", "b")`, or empty for none.
    public static func standbyNames(_ streaming: [String]) -> String {
        streaming.isEmpty ? "" : "ANY 1 (" + streaming.map { "\"\($0)\"" }.joined(separator: ", ") + ")"
    }

    public static func setSQL(_ names: String) -> String {
        "ALTER SYSTEM SET synchronous_standby_names = '\(names.replacing("'", with: "''"))';\nSELECT pg_reload_conf();\n"
    }

    /// What to set, from `statusSQL`'s line; nil when nothing is to change.
    public static func change(fromStatus line: String) -> String? {
        let fields = line.split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmed }
        guard fields.count == 3, fields[0] == "f" else { return nil }
        let wanted = standbyNames(fields[2].split(separator: " ").map(String.init))
        return wanted == fields[1] ? nil : wanted
    }

    /// One look: changes the setting if it is not what the streaming standbys call for.
    @discardableResult
    public func check() async -> String? {
        guard let status = try? await runner.run(Self.psql(Self.statusSQL)), status.succeeded,
            let wanted = Self.change(fromStatus: status.text.trimmed)
        else { return nil }
        guard (try? await runner.run(Self.psql(Self.setSQL(wanted))))?.succeeded == true else { return nil }
        return wanted
    }

    public func run(log: @Sendable (String) -> Void) async -> Never {
        while true {
            if let names = await check() { log("commits now wait for: \(names.isEmpty ? "no replica" : names)") }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
