import Foundation
import SilverLining

/// An app of the services suite's `blog`: asks for mysql and files, and on each request adds
/// a row and answers how many there are and what its files directory holds.
struct ServiceApp {
    let directory: String

    init(version: String) throws {
        directory = NSTemporaryDirectory() + "silver-blog-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try """
            [production]
            app_name = \(ServicesTests.app)
            runner = app.py
            service.mysql =
            service.files =
            update_fetch = /

            """.write(toFile: directory + "/app.ini", atomically: true, encoding: .utf8)
        try """
            import os
            import MySQLdb

            def application(environ, start_response):
                db = MySQLdb.connect(
                    host=os.environ["CONFIG_MYSQL_HOST"], port=int(os.environ["CONFIG_MYSQL_PORT"]),
                    user=os.environ["CONFIG_MYSQL_USER"], passwd=os.environ["CONFIG_MYSQL_PASSWORD"],
                    db=os.environ["CONFIG_MYSQL_DBNAME"], autocommit=True)
                cursor = db.cursor()
                cursor.execute("CREATE TABLE IF NOT EXISTS update_check (id INT AUTO_INCREMENT PRIMARY KEY)")
                cursor.execute("INSERT INTO update_check () VALUES ()")
                cursor.execute("SELECT COUNT(*) FROM update_check")
                rows = cursor.fetchone()[0]
                db.close()
                try:
                    with open(os.path.join(os.environ["CONFIG_FILES"], "kept-by-update.txt")) as kept:
                        files = kept.read().strip()
                except FileNotFoundError:
                    files = "none"
                body = "version=\(version) mysql=%s rows=%d files=%s\\n" % (os.environ["CONFIG_MYSQL_HOST"], rows, files)
                start_response("200 OK", [("Content-Type", "text/plain")])
                return [body.encode()]

            """.write(toFile: directory + "/app.py", atomically: true, encoding: .utf8)
    }

    func load() throws -> AppConfig { try AppLoader.load(directory: directory) }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    static func rows(in body: String) -> Int? {
        body.firstMatch(of: /rows=(\d+)/).flatMap { Int($0.output.1) }
    }
}
