import Foundation
import SilverLining
import Synchronization

/// An app that writes one row per request: `/write?id=N` inserts N into `writes` on the
/// database its environment names (MariaDB or PostgreSQL) and answers 200 only once the
/// commit returned. Connections time out within seconds, so that a request to a primary
/// that is gone fails instead of hanging. `/health` does not touch the database.
struct WriterApp {
    let directory: String

    init(name: String, service: ServiceKind, version: String) throws {
        directory = NSTemporaryDirectory() + "silver-writer-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try """
            [production]
            app_name = \(name)
            runner = app.py
            service.\(service.rawValue) =
            update_fetch = /setup
            health_check = /health

            """.write(toFile: directory + "/app.ini", atomically: true, encoding: .utf8)
        try """
            import os
            from urllib.parse import parse_qs

            VERSION = "\(version)"

            def connect():
                if "CONFIG_MYSQL_HOST" in os.environ:
                    import MySQLdb
                    return MySQLdb.connect(
                        host=os.environ["CONFIG_MYSQL_HOST"], port=int(os.environ["CONFIG_MYSQL_PORT"]),
                        user=os.environ["CONFIG_MYSQL_USER"], passwd=os.environ["CONFIG_MYSQL_PASSWORD"],
                        db=os.environ["CONFIG_MYSQL_DBNAME"], connect_timeout=3, read_timeout=5, write_timeout=5, autocommit=True)
                import psycopg2
                db = psycopg2.connect(os.environ["DATABASE_URL"], connect_timeout=3, keepalives=1, keepalives_idle=1,
                    keepalives_interval=1, keepalives_count=3, tcp_user_timeout=5000)
                db.autocommit = True
                return db

            def run(sql, *args):
                db = connect()
                try:
                    cursor = db.cursor()
                    cursor.execute(sql, args)
                    return cursor.fetchall() if cursor.description else None
                finally:
                    db.close()

            def application(environ, start_response):
                path = environ.get("PATH_INFO", "/")
                mysql = "CONFIG_MYSQL_HOST" in os.environ
                host = os.environ.get("CONFIG_MYSQL_HOST") or os.environ.get("CONFIG_PG_HOST")
                if path == "/health":
                    body = "ok"
                elif path == "/setup":
                    run("CREATE TABLE IF NOT EXISTS writes (id BIGINT PRIMARY KEY)")
                    body = "ready"
                elif path == "/write":
                    id = int(parse_qs(environ.get("QUERY_STRING", ""))["id"][0])
                    # A request the balancer retries after the first attempt committed is no error.
                    run("INSERT IGNORE INTO writes (id) VALUES (%s)" if mysql else "INSERT INTO writes (id) VALUES (%s) ON CONFLICT DO NOTHING", id)
                    body = "written %d on %s" % (id, host)
                else:
                    body = "version=%s host=%s rows=%d" % (VERSION, host, run("SELECT COUNT(*) FROM writes")[0][0])
                start_response("200 OK", [("Content-Type", "text/plain")])
                return [(body + "\\n").encode()]

            """.write(toFile: directory + "/app.py", atomically: true, encoding: .utf8)
    }

    func load() throws -> AppConfig { try AppLoader.load(directory: directory) }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// Writers that send `/write?id=N` through the balancer without pause, each with its own ids,
/// and remember which writes returned 200 and when.
final class WriteLoad: Sendable {
    struct Write: Sendable {
        var id: Int
        var ok: Bool
        var at: ContinuousClock.Instant
        /// The database host the app wrote to, from its answer.
        var host: String?
    }

    let balancer: String
    let host: String
    private let writes = Mutex<[Write]>([])
    private let stopped = Mutex(false)

    init(balancer: String, host: String) {
        self.balancer = balancer
        self.host = host
    }

    /// Runs `writers` writers until `stop()`.
    func run(writers: Int = 4) async {
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    var id = writer * 10_000_000
                    while !self.stopped.withLock({ $0 }) {
                        id += 1
                        let result = try? await CommandRunner().run(Command(
                            "curl", ["-s", "-m", "8", "-w", "\n%{http_code}", "-H", "Host: \(self.host)", "http://\(self.balancer)/write?id=\(id)"]))
                        let lines = (result?.text ?? "").split(separator: "\n")
                        let ok = lines.last == "200"
                        let host = lines.first.flatMap { $0.split(separator: " ").last }.map(String.init)
                        self.writes.withLock { $0.append(Write(id: id, ok: ok, at: .now, host: ok ? host : nil)) }
                        if !ok { try? await Task.sleep(for: .milliseconds(50)) }
                    }
                }
            }
        }
    }

    func stop() { stopped.withLock { $0 = true } }

    var all: [Write] { writes.withLock { $0 } }
    var acknowledged: [Int] { all.filter(\.ok).map(\.id) }

    /// The first write that returned 200 after `instant`, written to `host` if given.
    func firstSuccess(after instant: ContinuousClock.Instant, on host: String? = nil) -> ContinuousClock.Instant? {
        all.filter { $0.ok && $0.at > instant && (host == nil || $0.host == host) }.map(\.at).min()
    }

    /// Waits until a write succeeds after `instant` (on `host`, if given); returns when it did.
    func waitForSuccess(after instant: ContinuousClock.Instant, on host: String? = nil, deadline: Duration = .seconds(180)) async throws
        -> ContinuousClock.Instant
    {
        let end = ContinuousClock.now.advanced(by: deadline)
        while ContinuousClock.now < end {
            if let found = firstSuccess(after: instant, on: host) { return found }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestFailure("no write succeeded within \(deadline)")
    }
}
