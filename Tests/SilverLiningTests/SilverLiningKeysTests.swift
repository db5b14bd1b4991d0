import Foundation
import Testing

@testable import SilverLining

/// Every app.ini key Silver Lining's `silversupport/appconfig.py` knew, as silver loads it.
@Suite struct SilverLiningKeysTests {
    let scratch: ScratchDirectory

    init() throws {
        scratch = try ScratchDirectory()
        for file in ["main.py", "production.ini", "site/runner.php", "site/logo.png", "bin/add-apt-source.sh", "bin/after.sh"] {
            try scratch.write("app/" + file, "")
        }
        for directory in ["config/default", "config/template"] {
            try FileManager.default.createDirectory(atPath: scratch.path + "/app/" + directory, withIntermediateDirectories: true)
        }
    }

    func app(_ body: String) throws -> AppConfig {
        try scratch.write("app/app.ini", "[production]\napp_name = shop\n" + body)
        return try AppLoader.load(directory: scratch.path + "/app")
    }

    func error(_ body: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ConfigError {
        try scratch.write("app/app.ini", "[production]\napp_name = shop\n" + body)
        return try #require(#expect(throws: ConfigError.self, sourceLocation: sourceLocation) {
            try AppLoader.load(directory: scratch.path + "/app")
        }, sourceLocation: sourceLocation)
    }

    @Test(
        "runner forms and platforms",
        arguments: [
            ("runner = main.py\n", AppConfig.Launch.wsgi(runner: "main.py")),
            ("runner = main.py#app\n", .wsgi(runner: "main.py#app")),
            ("runner = production.ini\n", .wsgi(runner: "production.ini")),
            ("runner = production.ini#site_2\n", .wsgi(runner: "production.ini#site_2")),
            ("platform = python\nrunner = ./main.py\n", .wsgi(runner: "./main.py")),
            ("", .wsgi(runner: "main.py")),
            ("platform = php\nrunner = site/runner.php\nphp_root = site/\n", .php(runner: "site/runner.php", phpRoot: "site")),
            ("runner = site/runner.php\n", .php(runner: "site/runner.php", phpRoot: nil)),
            ("command = ./serve\n", .command("./serve")),
        ])
    func launches(body: String, launch: AppConfig.Launch) throws {
        let app = try app(body)
        #expect(app.launch == launch)
        #expect(app.warnings.isEmpty, "\(app.warnings)")
    }

    @Test(
        "bad runners, platforms and php_root say what is wrong, where",
        arguments: [
            ("platform = ruby\nrunner = main.py\n", 3, "platform", "must be python or php"),
            ("platform = php\nrunner = main.py\n", 4, "runner", "must be a .php file with platform = php"),
            ("platform = python\nrunner = site/runner.php\n", 4, "runner", "is a PHP file, but platform = python"),
            ("platform = php\n", 3, "runner", "platform = php needs runner = FILE.php"),
            ("runner = main.py#1st\n", 3, "runner", "#NAME must be a Python identifier"),
            ("runner = main.py#\n", 3, "runner", "#NAME must be a Python identifier"),
            ("runner = production.ini#a:b\n", 3, "runner", "#NAME must name a Paste Deploy app section"),
            ("runner = site/runner.php#x\n", 3, "runner", "a PHP runner has none"),
            ("runner = ../main.py\n", 3, "runner", "must be a file inside the app directory"),
            ("runner = missing.ini\n", 3, "runner", "no such file"),
            ("runner = main.rb\n", 3, "runner", "must be a .py file (a WSGI app), a .ini file (Paste Deploy) or a .php file"),
            ("runner = site/runner.php\nphp_root = /var/www\n", 4, "php_root", "must be a directory inside the app directory"),
            ("platform = php\ncommand = ./serve\n", 3, "platform", "is for runner apps"),
        ])
    func launchErrors(body: String, line: Int, key: String, message: String) throws {
        let error = try error(body)
        #expect(error.names(file: "app.ini", line: line, section: "production", key: key), "\(error)")
        #expect(error.description.contains(message), "\(error)")
        #expect(error.exitStatus == ExitStatus.badInput)
    }

    @Test("no runner, no command and no main.py: the error says main.py would have been used")
    func noMainPy() throws {
        try FileManager.default.removeItem(atPath: scratch.path + "/app/main.py")
        let error = try error("")
        #expect(error.description.contains("neither runner nor command, and the app has no main.py"), "\(error)")
    }

    @Test("a php_root that is not there yet loads, with a warning (WordPress's is fetched by a script)")
    func missingPHPRoot() throws {
        let app = try app("runner = site/runner.php\nphp_root = wordpress/\n")
        #expect(app.launch == .php(runner: "site/runner.php", phpRoot: "wordpress"))
        #expect(app.warnings.contains { $0.contains("app.ini:4: warning: [production] php_root: no such directory") })
    }

    @Test("version, default_host and default_hostname load with Silver Lining's warnings")
    func deprecatedKeys() throws {
        let app = try app("version = 0.3\ndefault_host = shop.example.com\n")
        #expect(app.defaultLocation == "shop.example.com")
        #expect(app.warnings.contains { $0.hasSuffix("app.ini:3: warning: [production] version: is deprecated and ignored, as in Silver Lining") })
        #expect(app.warnings.contains { $0.hasSuffix("app.ini:4: warning: [production] default_host: has been renamed to default_location; used as default_location") })
        let both = try self.app("default_location = new.example.com\ndefault_hostname = old.example.com\n")
        #expect(both.defaultLocation == "new.example.com")
        #expect(both.warnings.contains { $0.contains("default_hostname: has been renamed to default_location; default_location wins") })
        #expect(try error("default_host =\n").description.contains("default_host: is empty"))
    }

    @Test("service.NAME keeps whatever value it has; service.php is Silver Lining's marker for PHP apps")
    func serviceValues() throws {
        let app = try app("runner = site/runner.php\nservice.postgis = true\nservice.files = anything at all\nservice.php =\n")
        #expect(app.services == ["postgis": "true", "files": "anything at all"])
    }

    @Test(
        "couchdb, mongodb and nfs are refused by name, with the reason",
        arguments: [
            ("couchdb", "Debian 12 has no CouchDB package to install"), ("mongodb", "Debian 12 has no MongoDB package to install"),
            ("nfs", "silver does not mount NFS shares"),
        ])
    func retiredServices(name: String, reason: String) throws {
        let error = try error("service.files =\nservice.\(name) = x\n")
        #expect(error.names(file: "app.ini", line: 4, section: "production", key: "service.\(name)"), "\(error)")
        #expect(error.description.contains(name) && error.description.contains(reason) && !error.description.contains("unknown service"))
    }

    @Test("package_install_script and after_install_script: files in the app, one per line")
    func installScripts() throws {
        let app = try app("package_install_script = bin/add-apt-source.sh\nafter_install_script =\n    bin/after.sh\n    bin/add-apt-source.sh\n")
        #expect(app.packageInstallScripts == ["bin/add-apt-source.sh"])
        #expect(app.afterInstallScripts == ["bin/after.sh", "bin/add-apt-source.sh"])
        let missing = try error("after_install_script = bin/after.sh\n    bin/missing.sh\n")
        #expect(missing.names(file: "app.ini", line: 4, section: "production", key: "after_install_script") && missing.description.contains("no such file"))
        let outside = try error("package_install_script = /usr/local/bin/x\n")
        #expect(outside.description.contains("must be a file inside the app directory"))
    }

    @Test("config.required, config.checker, config.default and config.template")
    func deploymentConfig() throws {
        let app = try app("config.required = true\nconfig.checker = shop.config:check\nconfig.default = config/default\nconfig.template = config/template\n")
        #expect(app.deploymentConfig == DeploymentConfig(
            required: true, checker: "shop.config:check", defaultDirectory: "config/default", templateDirectory: "config/template"))
        #expect(try self.app("").deploymentConfig == DeploymentConfig())
        #expect(try self.app("config.checker = shop.config:Checker.run\n").deploymentConfig.checker == "shop.config:Checker.run")
    }

    @Test(
        "bad config.* values",
        arguments: [
            ("config.required = maybe\n", "config.required", "must be true or false"),
            ("config.checker = shop.config\n", "config.checker", "must be module:function"),
            ("config.checker = shop:a:b\n", "config.checker", "must be module:function"),
            ("config.checker = 1shop:check\n", "config.checker", "must be module:function"),
            ("config.checker = shop.:check\n", "config.checker", "must be module:function"),
            ("config.default = config/missing\n", "config.default", "no such directory"),
            ("config.template = ../elsewhere\n", "config.template", "must be a directory inside the app directory"),
            ("config.default = main.py\n", "config.default", "no such directory"),
        ])
    func deploymentConfigErrors(body: String, key: String, message: String) throws {
        let error = try error(body)
        #expect(error.names(file: "app.ini", line: 3, section: "production", key: key), "\(error)")
        #expect(error.description.contains(message), "\(error)")
    }

    @Test("PHP 5 package names become Debian 12's, with a warning; bare php5 is what silver installs anyway")
    func php5Packages() throws {
        let app = try app("runner = site/runner.php\npackages = php5-mysql php5 php5-gd imagemagick\n")
        #expect(app.packages == ["php-mysql", "php-gd", "imagemagick"])
        #expect(app.warnings.count == 3)
        #expect(app.warnings.contains { $0.contains("php5-mysql is PHP 5's; Debian 12 has PHP 8.2, so silver installs php-mysql") })
    }

    @Test("a PHP app's servers get PHP-FPM and the drivers of its databases; a Python app's only its packages")
    func appServerPackages() throws {
        let php = try app("runner = site/runner.php\nservice.mysql =\nservice.postgis =\nservice.files =\npackages = php-gd\n")
        #expect(php.appServerPackages == ["php8.2-fpm", "php8.2-mysql", "php8.2-pgsql", "php-gd"])
        let python = try app("service.mysql =\npackages = libjpeg62-turbo\n")
        #expect(python.appServerPackages == ["libjpeg62-turbo"])
    }

    @Test("php_root on a Python app is ignored, with a warning")
    func phpRootOnPython() throws {
        let app = try app("runner = main.py\nphp_root = site\n")
        #expect(app.warnings.contains { $0.contains("php_root: is used only by PHP apps") })
    }
}

/// Silver Lining's own example apps (examples/silverlining) as silver loads them.
@Suite struct SilverLiningExampleAppsTests {
    static func example(_ name: String) -> String { Fixtures.packageRoot + "/examples/silverlining/" + name }

    @Test("simple-python has no runner and uses main.py; simple-php's .php runner makes it a PHP app")
    func examples() throws {
        let python = try AppLoader.load(directory: Self.example("simple-python"))
        #expect(python.appName == "example-app" && python.launch == .wsgi(runner: "main.py") && python.services == ["postgis": "true"])
        let php = try AppLoader.load(directory: Self.example("simple-php"))
        #expect(php.launch == .php(runner: "example/runner.php", phpRoot: "example"))
        #expect(php.defaultLocation == "example-php.example.com" && php.services.isEmpty)
        #expect(php.warnings.count == 1 && php.warnings[0].contains("default_host: has been renamed to default_location"))
        let backup = try AppLoader.load(directory: Self.example("example-backup"))
        #expect(backup.services == ["files": "", "mysql": ""])
    }

    @Test("WordPress's app.ini loads: platform, php_root, update_fetch, and php5-mysql as php-mysql")
    func wordpress() throws {
        let app = try AppLoader.load(directory: Self.example("wordpress"))
        #expect(app.launch == .php(runner: "runner.php", phpRoot: "wordpress"))
        #expect(app.updateFetch == ["/silver-update.php"] && app.services == ["mysql": ""] && app.packages == ["php-mysql"])
        #expect(app.appServerPackages == ["php8.2-fpm", "php8.2-mysql", "php-mysql"])
    }

    @Test("the functional test's example-app is refused, naming couchdb and why")
    func exampleApp() throws {
        let error = try #require(#expect(throws: ConfigError.self) { try AppLoader.load(directory: Self.example("example-app")) })
        #expect(error.key == "service.couchdb" && error.description.contains("Debian 12 has no CouchDB package"), "\(error)")
    }
}
