import Foundation

/// The files that make a database node run `silver-node database-boot` as its server starts.
enum DatabaseBootFiles {
    /// A systemd drop-in for the server's unit. The leading `-` keeps the server starting if
    /// the agent fails: it then starts read-only, which is the safe side. `+` runs it as root:
    /// the units run as `mysql` and `postgres`, who cannot read the replication password (and
    /// MariaDB's `mysql` user could still make the server writable through its socket).
    static func dropIn(phase: String, plan: String) -> String {
        """
        # Written by silver; changes here are replaced.
        # A primary that a failover replaced fences itself when it comes back (silver-node database-boot).
        [Service]
        \(phase)=-+\(NodeLayout.agent) database-boot \(plan)

        """
    }

    static func json(_ plan: DatabaseBootPlan) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(plan)) ?? Data(), as: UTF8.self) + "\n"
    }
}
