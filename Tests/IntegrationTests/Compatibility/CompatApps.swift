import Foundation

/// Apps written the way Silver Lining's users wrote them, into a temporary directory: a PHP
/// app on MariaDB, a Paste Deploy app, and an app with bundled libraries that signs with
/// the nodeset's secret. Each answers with the app server's name and a hash of the secret.
struct CompatApp {
    let directory: String

    init(files: [String: String]) throws {
        directory = NSTemporaryDirectory() + "silver-compat-\(UUID().uuidString.prefix(8))"
        for (path, text) in files {
            let file = directory + "/" + path
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// platform = php: the runner dispatches; php_root's static files are served by nginx.
    static func php() throws -> CompatApp {
        try CompatApp(files: [
            "app.ini": """
                [production]
                app_name = shop
                platform = php
                runner = site/runner.php
                php_root = site/
                service.mysql =
                update_fetch = /setup

                """,
            "site/runner.php": #"""
                <?php
                function shop_db() {
                    return new mysqli($_SERVER['CONFIG_MYSQL_HOST'], $_SERVER['CONFIG_MYSQL_USERNAME'], $_SERVER['CONFIG_MYSQL_PASSWORD'],
                                      $_SERVER['CONFIG_MYSQL_DBNAME'], (int)$_SERVER['CONFIG_MYSQL_PORT']);
                }
                $path = $_SERVER['SCRIPT_NAME'];
                if ($path == '/setup') {
                    shop_db()->query('CREATE TABLE IF NOT EXISTS orders (id INT AUTO_INCREMENT PRIMARY KEY, node VARCHAR(200))');
                    echo 'orders table ready, update=' . (empty($_SERVER['silverlining.update']) ? 'no' : 'yes') . "\n";
                } elseif ($path == '/order') {
                    $db = shop_db();
                    $node = gethostname();
                    $insert = $db->prepare('INSERT INTO orders (node) VALUES (?)');
                    $insert->bind_param('s', $node);
                    $insert->execute();
                    $count = $db->query('SELECT COUNT(*) FROM orders')->fetch_row()[0];
                    echo "order {$db->insert_id} taken by {$node}; {$count} orders\n";
                } elseif ($path == '/secret') {
                    echo 'secret ' . hash('sha256', SILVER_SECRET) . ' ' . gethostname() . "\n";
                } elseif ($path == '/update') {
                    echo 'update=' . (empty($_SERVER['silverlining.update']) ? 'no' : 'yes') . "\n";
                } else {
                    $next = silver_call_next();
                    if ($next) {
                        include $next;
                    } else {
                        header('Status: 404 Not Found');
                        echo "no page {$path}\n";
                    }
                }

                """#,
            "site/index.php": "<?php echo 'shop on ' . gethostname() . ', instance ' . $_SERVER['SILVER_INSTANCE_NAME'] . \"\\n\";\n",
            "site/config.php": "<?php $shop_password = 'never served as source';\n",
            "site/logo.txt": "shop logo\n",
        ])
    }

    /// runner = production.ini#shopfront: Paste Deploy's loadapp, the environment and SECRET in global_conf.
    static func pasteDeploy() throws -> CompatApp {
        try CompatApp(files: [
            "app.ini": "[production]\napp_name = paste\nrunner = production.ini#shopfront\n",
            "production.ini": """
                [app:shopfront]
                use = call:pasteapp:make_app
                greeting = hello from paste

                """,
            "pasteapp.py": """
                import hashlib
                import socket


                def make_app(global_conf, greeting):
                    secret = hashlib.sha256(global_conf["SECRET"].encode()).hexdigest()
                    instance = global_conf["SILVER_INSTANCE_NAME"]

                    def app(environ, start_response):
                        start_response("200 OK", [("Content-Type", "text/plain")])
                        return [("%s; secret %s %s %s\\n" % (greeting, secret, socket.gethostname(), instance)).encode()]
                    return app

                """,
        ])
    }

    /// runner = main.py#app, with libraries bundled in lib/python3.11/site-packages (one
    /// reached through a .pth file), silversupport's secret and is_production.
    static func bundledLibraries() throws -> CompatApp {
        try CompatApp(files: [
            "app.ini": "[production]\napp_name = libs\nrunner = main.py#app\n",
            "lib/python3.11/site-packages/greeting/__init__.py": "def greet():\n    return 'hello from a bundled library'\n",
            "lib/python3.11/site-packages/extras.pth": "extras\n",
            "lib/python3.11/site-packages/extras/extra_module.py": "WHERE = 'found through extras.pth'\n",
            "main.py": """
                import hashlib
                import socket

                import extra_module
                import greeting
                from silversupport.env import is_production
                from silversupport.secret import get_secret


                def app(environ, start_response):
                    secret = hashlib.sha256(get_secret().encode()).hexdigest()
                    body = "%s; %s; production=%s; secret %s %s\\n" % (
                        greeting.greet(), extra_module.WHERE, is_production(), secret, socket.gethostname())
                    start_response("200 OK", [("Content-Type", "text/plain")])
                    return [body.encode()]

                """,
        ])
    }
}
