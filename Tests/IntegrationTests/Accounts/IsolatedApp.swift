import Foundation
import SilverLining

/// An app for the accounts tests: asks for `files` and `writable_root`, has a static file,
/// and answers with the user it runs as; `/probe?PATH` says whether its own process can open
/// PATH (a file, or a directory to list), so tests ask the serving process itself.
struct IsolatedApp {
    let name: String
    let directory: String

    init(name: String) throws {
        self.name = name
        directory = NSTemporaryDirectory() + "silver-\(name)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory + "/static", withIntermediateDirectories: true)
        try """
            [production]
            app_name = \(name)
            runner = app.py
            health_check = /health
            service.files =
            service.writable_root =

            """.write(toFile: directory + "/app.ini", atomically: true, encoding: .utf8)
        try """
            import errno, os, pwd, urllib.parse

            def probe(path):
                try:
                    if os.path.isdir(path):
                        os.listdir(path)
                    else:
                        with open(path, "rb") as opened:
                            opened.read(1)
                    return "open"
                except OSError as error:
                    return "denied " + errno.errorcode.get(error.errno, str(error.errno))

            def application(environ, start_response):
                path = environ.get("PATH_INFO", "/")
                if path == "/probe":
                    body = probe(urllib.parse.unquote(environ.get("QUERY_STRING", "")))
                else:
                    body = "app=\(name) user=%s" % pwd.getpwuid(os.getuid()).pw_name
                start_response("200 OK", [("Content-Type", "text/plain")])
                return [(body + "\\n").encode()]

            """.write(toFile: directory + "/app.py", atomically: true, encoding: .utf8)
        try "static \(name)\n".write(toFile: directory + "/static/hello.txt", atomically: true, encoding: .utf8)
    }

    func load() throws -> AppConfig { try AppLoader.load(directory: directory) }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}
