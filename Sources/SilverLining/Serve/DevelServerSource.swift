/// The programs `silver serve` runs on the developer's machine, beside the app servers' own
/// loader (`PythonRunnerSource`) and PHP master runner: they do what nginx does on an app
/// server (files from `static/` and the writable root first, the update header honoured only
/// on silver's own requests) and hand the rest to the app as the app servers do.
enum DevelServerSource {
    static let updateVariable = PythonRunnerSource.updateVariable
    /// The value of the update header that marks silver's own `update_fetch` requests: a
    /// secret made for each run of `silver serve`, as nginx on a node clears the header on
    /// every request from outside.
    static let tokenVariable = "SILVER_SERVE_TOKEN"
    static let staticVariable = "SILVER_SERVE_STATIC"
    static let backendVariable = "SILVER_SERVE_BACKEND"
    static let hostVariable = "SILVER_SERVE_HOST"
    static let portVariable = "SILVER_SERVE_PORT"

    /// Python's own wsgiref server, threaded: it is in every Python 3, so `silver serve` needs
    /// nothing installed, and reloading is silver's (it restarts this process when a file of
    /// the app changes), which catches what gunicorn's `--reload` misses: app.ini, templates,
    /// files no module imported yet.
    static let python = #"""
        # Written by silver serve; changes here are replaced.
        """silver serve's server: the app as the app servers load it (silverlining_runner), with
        static/ and the writable root served first, as nginx serves them there."""
        import http.client
        import mimetypes
        import os
        import socketserver
        import sys
        import threading
        import time
        import traceback
        import urllib.parse
        from wsgiref.simple_server import WSGIServer, make_server

        import silverlining_runner

        UPDATE_VARIABLE = "\#(updateVariable)"
        HOP_HEADERS = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"}


        class Server(socketserver.ThreadingMixIn, WSGIServer):
            daemon_threads = True
            allow_reuse_address = True


        def error_app(text):
            """What a visitor sees while the app cannot load: the traceback, as Silver Lining's
            devel server showed it; silver restarts the server when a file changes."""
            def app(environ, start_response):
                start_response("500 Server Error", [("Content-Type", "text/plain; charset=utf-8")])
                return [("Error loading the app:\n\n" + text).encode("utf-8")]
            return app


        def load_app():
            try:
                return silverlining_runner.load(os.environ["SILVER_RUNNER"])
            except Exception:
                text = traceback.format_exc()
                sys.stderr.write(text)
                return error_app(text)


        def proxy_app(backend):
            """An app started by `command`: requests go to it over HTTP, as nginx sends them."""
            host, _, port = backend.rpartition(":")

            def app(environ, start_response):
                path = urllib.parse.quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
                if environ.get("QUERY_STRING"):
                    path += "?" + environ["QUERY_STRING"]
                headers = {name[5:].replace("_", "-").title(): value for name, value in environ.items() if name.startswith("HTTP_")}
                if environ.get("CONTENT_TYPE"):
                    headers["Content-Type"] = environ["CONTENT_TYPE"]
                length = int(environ.get("CONTENT_LENGTH") or 0)
                body = environ["wsgi.input"].read(length) if length else None
                headers["X-Forwarded-For"] = environ.get("REMOTE_ADDR", "")
                connection = http.client.HTTPConnection(host, int(port), timeout=300)
                try:
                    connection.request(environ["REQUEST_METHOD"], path, body=body, headers=headers)
                    response = connection.getresponse()
                    data = response.read()
                except OSError as error:
                    start_response("502 Bad Gateway", [("Content-Type", "text/plain")])
                    return [("the app's command does not answer on %s: %s\n" % (backend, error)).encode()]
                finally:
                    connection.close()
                kept = [(name, value) for name, value in response.getheaders() if name.lower() not in HOP_HEADERS]
                start_response("%d %s" % (response.status, response.reason), kept)
                return [data]
            return app


        class Front(object):
            def __init__(self, app, directories, token):
                self.app = app
                self.directories = directories
                self.token = token

            def __call__(self, environ, start_response):
                marked = environ.pop(UPDATE_VARIABLE, None)
                if self.token and marked == self.token:
                    environ[UPDATE_VARIABLE] = "1"
                environ["silverlining.devel"] = True
                path = environ.get("PATH_INFO", "")
                relative = os.path.normpath(path).replace("\\", "/").lstrip("/")
                if relative and not relative.startswith(".."):
                    for directory in self.directories:
                        candidate = os.path.join(directory, relative)
                        if os.path.isfile(candidate):
                            return self.serve_file(candidate, start_response)
                return self.app(environ, start_response)

            def serve_file(self, path, start_response):
                kind, _ = mimetypes.guess_type(path)
                with open(path, "rb") as source:
                    data = source.read()
                start_response("200 OK", [("Content-Type", kind or "application/octet-stream"), ("Content-Length", str(len(data)))])
                return [data]


        def exit_with_parent():
            """silver stops this server when it stops; if silver is killed outright, this notices."""
            parent = os.getppid()

            def watch():
                while os.getppid() == parent:
                    time.sleep(1)
                os._exit(0)
            threading.Thread(target=watch, daemon=True).start()


        def main():
            exit_with_parent()
            host = os.environ.pop("\#(hostVariable)")
            port = int(os.environ.pop("\#(portVariable)"))
            token = os.environ.pop("\#(tokenVariable)", "")
            directories = [entry for entry in os.environ.pop("\#(staticVariable)", "").split(os.pathsep) if entry]
            backend = os.environ.pop("\#(backendVariable)", "")
            app = proxy_app(backend) if backend else load_app()
            server = make_server(host, port, Front(app, directories, token), server_class=Server)
            sys.stderr.write("serving on http://%s:%d/\n" % (host, port))
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                pass


        if __name__ == "__main__":
            main()

        """#

    /// `php -S`'s router: static/ and the writable root as they are, php_root's files that are
    /// not `.php` as they are, everything else through the master runner, as nginx and
    /// PHP-FPM do on an app server.
    static let phpRouter = #"""
        <?php
        // Written by silver serve; changes here are replaced.
        $silver_path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
        // php -S puts the environment in getenv() only; PHP-FPM puts it in $_SERVER too.
        foreach (getenv() as $silver_name => $silver_value) {
            if (!isset($_SERVER[$silver_name])) {
                $_SERVER[$silver_name] = $silver_value;
            }
        }
        $silver_marked = isset($_SERVER['\#(updateVariable)']) ? $_SERVER['\#(updateVariable)'] : '';
        unset($_SERVER['\#(updateVariable)']);
        if ($_SERVER['\#(tokenVariable)'] !== '' && $silver_marked === $_SERVER['\#(tokenVariable)']) {
            $_SERVER['\#(updateVariable)'] = '1';
        }
        unset($_SERVER['\#(tokenVariable)'], $_SERVER['\#(staticVariable)']);

        function silver_serve_file($path) {
            $types = array('css' => 'text/css', 'js' => 'text/javascript', 'html' => 'text/html', 'htm' => 'text/html',
                'txt' => 'text/plain', 'png' => 'image/png', 'jpg' => 'image/jpeg', 'jpeg' => 'image/jpeg', 'gif' => 'image/gif',
                'svg' => 'image/svg+xml', 'ico' => 'image/x-icon', 'json' => 'application/json', 'xml' => 'text/xml');
            $extension = strtolower(pathinfo($path, PATHINFO_EXTENSION));
            header('Content-Type: ' . (isset($types[$extension]) ? $types[$extension] : 'application/octet-stream'));
            readfile($path);
        }

        $silver_directories = array_filter(explode(PATH_SEPARATOR, getenv('\#(staticVariable)')));
        if ($_SERVER['SILVER_PHP_ROOT'] !== '') {
            $silver_directories[] = $_SERVER['SILVER_INSTANCE_DIR'] . '/' . $_SERVER['SILVER_PHP_ROOT'];
        }
        foreach ($silver_directories as $silver_directory) {
            $silver_file = realpath($silver_directory . $silver_path);
            $silver_root = realpath($silver_directory);
            if ($silver_file !== false && $silver_root !== false && is_file($silver_file)
                && strpos($silver_file, $silver_root . '/') === 0 && substr($silver_file, -4) !== '.php') {
                silver_serve_file($silver_file);
                return true;
            }
        }
        $_SERVER['SCRIPT_NAME'] = $silver_path;
        $_SERVER['PHP_SELF'] = $silver_path;
        require __DIR__ . '/master-runner.php';

        """#
}
