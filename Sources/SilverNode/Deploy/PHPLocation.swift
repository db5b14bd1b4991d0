/// nginx's part of a PHP app, as Silver Lining's Apache rules had it: after `static/` (and the
/// writable root), files under `php_root` that are not `.php` are served directly, and every
/// other request goes to the master runner over FastCGI, on the instance's PHP-FPM port, with
/// the path inside the app as `SCRIPT_NAME`.
enum PHPLocation {
    /// Whether nginx serves files from the instance's php_root.
    static func serveRoot(_ instance: InstanceRecord) -> Bool {
        if case .php(_, let root?) = instance.launch { return !root.isEmpty }
        return false
    }

    static func fileVariable(_ index: Int) -> String { "$silverlining_php_file_\(index)" }

    /// What php_root is asked for: the path inside the app, except that a `.php` file is
    /// never sent as it is (its source may hold passwords): such a path maps to "", which
    /// names no file, and goes on to the runner.
    static func fileMap(_ location: RoutedLocation, index: Int) -> String {
        let path = location.path == "/" ? "$uri" : RouterConfiguration.appPathVariable(index)
        return "\nmap \(path) \(fileVariable(index)) {\n    \"~\\.php$\" \"\";\n    default \(path);\n}\n"
    }

    static func rootBlock(_ name: String, instance: InstanceRecord, index: Int, next: String) -> String {
        guard case .php(_, let root?) = instance.launch else { return "" }
        return """
                location \(name) {
                    root \(NodeLayout.instanceDirectory(instance.name))/\(root);
                    add_header \(RouterConfiguration.instanceHeader) \(instance.name) always;
                    try_files \(fileVariable(index)) \(next);
                }

            """
    }

    /// The CGI variables PHP gets, written out rather than taken from Debian's fastcgi_params
    /// so the file says everything PHP sees. silver's update header is cleared, so only the
    /// agent's own requests (`InstanceProbe`) carry it.
    static func runnerBlock(_ name: String, instance: InstanceRecord, appPath: String) -> String {
        let parameters = [
            ("SCRIPT_FILENAME", AppRuntime.phpMasterRunner), ("SCRIPT_NAME", appPath), ("DOCUMENT_URI", appPath),
            ("DOCUMENT_ROOT", NodeLayout.instanceDirectory(instance.name)), ("REQUEST_URI", "$request_uri"), ("QUERY_STRING", "$query_string"),
            ("REQUEST_METHOD", "$request_method"), ("CONTENT_TYPE", "$content_type"), ("CONTENT_LENGTH", "$content_length"),
            ("REQUEST_SCHEME", "$scheme"), ("SERVER_PROTOCOL", "$server_protocol"), ("GATEWAY_INTERFACE", "CGI/1.1"),
            ("SERVER_SOFTWARE", "nginx"), ("REMOTE_ADDR", "$remote_addr"), ("REMOTE_PORT", "$remote_port"),
            ("SERVER_ADDR", "$server_addr"), ("SERVER_PORT", "$server_port"), ("SERVER_NAME", "$host"),
            ("HTTP_" + RouterConfiguration.updateHeader.uppercased().replacing("-", with: "_"), "\"\""),
        ]
        let lines = parameters.map { "        fastcgi_param \($0.0) \($0.1);\n" }.joined()
        return "    location \(name) {\n        fastcgi_pass 127.0.0.1:\(instance.port);\n" + lines
            + "        fastcgi_read_timeout 300s;\n"
            + "        add_header \(RouterConfiguration.instanceHeader) \(instance.name) always;\n    }\n"
    }
}

extension InstanceRecord {
    var isPHP: Bool {
        if case .php = launch { return true }
        return false
    }
}
