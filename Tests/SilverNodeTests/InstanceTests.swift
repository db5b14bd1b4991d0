import Foundation
import Testing

@testable import SilverNode

/// Writes instance records and active pointers the way the agent does, under a scratch root.
struct Instances {
    let root: TemporaryRoot
    var registry: InstanceRegistry { InstanceRegistry(paths: root.paths) }

    @discardableResult
    func add(_ name: String, created: Double, port: Int = 20000, writableRoot: Bool = false) throws -> InstanceRecord {
        let app = String(name.prefix { $0 != "." })
        let record = InstanceRecord(
            name: name, app: app, port: port, launch: .command("serve"), writableRoot: writableRoot, created: created)
        try root.write("/var/lib/silverlining/instances/\(name).json", String(decoding: try JSONEncoder().encode(record), as: UTF8.self))
        try root.write("/var/lib/silverlining/instances/\(name).env", "[]")
        try root.write("/var/www/\(name)/app.ini", "[production]\n")
        try root.write("/var/tmp/silverlining/\(name)/scratch", "")
        try root.write("/var/log/silverlining/apps/\(name).log", "started\n")
        return record
    }

    func activate(_ name: String?, app: String) throws {
        try Activation(paths: root.paths).setActive(name, app: app)
    }
}

@Suite(.enabled(if: Privileges.isRoot, "the agent writes its records owned by root"))
struct InstanceRegistryTests {
    let root: TemporaryRoot
    let instances: Instances

    init() throws {
        root = try TemporaryRoot()
        instances = Instances(root: root)
    }

    @Test("all lists records by app, then age, skipping other files and unreadable records")
    func all() throws {
        try instances.add("wiki.2026-11-25_001", created: 5)
        try instances.add("blog.2026-11-25_002", created: 20)
        try instances.add("blog.2026-11-24_001", created: 10)
        try root.write("/var/lib/silverlining/instances/broken.json", "{not json")
        try root.write("/var/lib/silverlining/instances/notes.txt", "x")
        #expect(instances.registry.all().map(\.name) == ["blog.2026-11-24_001", "blog.2026-11-25_002", "wiki.2026-11-25_001"])
        #expect(instances.registry.record("broken") == nil)
        #expect(instances.registry.record("blog.2026-11-24_001")?.created == 10)
        #expect(InstanceRegistry(paths: NodePaths(root: root.full("/nowhere"))).all() == [])
    }

    @Test("the active instance is the one the app's pointer names, if its record exists")
    func active() throws {
        let blog = try instances.add("blog.2026-11-25_001", created: 1)
        try instances.add("blog.2026-11-25_002", created: 2)
        let wiki = try instances.add("wiki.2026-11-25_001", created: 1)
        #expect(instances.registry.active() == [:])
        #expect(instances.registry.activeName(of: "blog") == nil)

        try instances.activate("blog.2026-11-25_001", app: "blog")
        try instances.activate("wiki.2026-11-25_001", app: "wiki")
        try instances.activate("gone.2026-11-25_001", app: "gone")
        #expect(instances.registry.activeName(of: "blog") == "blog.2026-11-25_001")
        #expect(instances.registry.activeName(of: "gone") == "gone.2026-11-25_001")
        #expect(instances.registry.active() == ["blog": blog, "wiki": wiki], "a pointer to a missing record is not active")

        try instances.activate(nil, app: "wiki")
        #expect(instances.registry.activeName(of: "wiki") == nil)
        try root.write("/var/lib/silverlining/active/empty", "\n")
        try root.write("/var/lib/silverlining/active/.blog.silver-1", "blog.2026-11-25_002\n")
        #expect(instances.registry.activeName(of: "empty") == nil)
        #expect(instances.registry.active() == ["blog": blog], "half-written pointers (dot files) are not apps")
    }

    @Test("instances of an app: uploaded directories and records, sorted, other apps ignored")
    func instancesOfAnApp() throws {
        try instances.add("blog.2026-11-25_002", created: 2)
        try root.write("/var/www/blog.2026-11-25_003/app.ini", "")  // uploaded, not yet recorded
        try root.write("/var/www/blogger.2026-11-25_001/app.ini", "")
        try instances.add("wiki.2026-11-25_001", created: 1)
        try instances.activate("blog.2026-11-25_002", app: "blog")
        let list = NodeInventory(paths: root.paths, manageSystem: false).instances(of: "blog")
        #expect(list == InstanceList(names: ["blog.2026-11-25_002", "blog.2026-11-25_003"], active: "blog.2026-11-25_002"))
    }
}

@Suite(.enabled(if: Privileges.isRoot, "the agent writes its records owned by root"))
struct NodeInventoryCleanTests {
    let root: TemporaryRoot
    let instances: Instances
    let inventory: NodeInventory

    init() throws {
        root = try TemporaryRoot()
        instances = Instances(root: root)
        inventory = NodeInventory(paths: root.paths, manageSystem: false)
        for n in 1...5 { try instances.add("blog.2026-11-25_00\(n)", created: Double(n)) }
        for n in 1...2 { try instances.add("wiki.2026-11-25_00\(n)", created: Double(n)) }
        try instances.activate("blog.2026-11-25_003", app: "blog")
        try instances.activate("wiki.2026-11-25_001", app: "wiki")
    }

    func remaining() -> [String] { instances.registry.all().map(\.name) }

    @Test("keeps the active instance and the N newest others, removing every file of the rest")
    func keepsActiveAndNewest() async throws {
        let answer = try await inventory.clean(CleanRequest(app: "blog", keep: 1))
        #expect(answer.removed == ["blog.2026-11-25_004", "blog.2026-11-25_002", "blog.2026-11-25_001"])
        #expect(remaining() == ["blog.2026-11-25_003", "blog.2026-11-25_005", "wiki.2026-11-25_001", "wiki.2026-11-25_002"])
        for gone in answer.removed {
            for path in [
                "/var/www/\(gone)", "/var/lib/silverlining/instances/\(gone).json", "/var/lib/silverlining/instances/\(gone).env",
                "/var/tmp/silverlining/\(gone)", "/var/log/silverlining/apps/\(gone).log",
            ] {
                #expect(!root.exists(path), "\(path) should be gone")
            }
        }
        #expect(root.exists("/var/www/blog.2026-11-25_003/app.ini"))
        #expect(try await inventory.clean(CleanRequest(app: "blog", keep: 1)).removed == [])
    }

    @Test("every app when none is named; a negative keep counts as 0 and leaves only the active ones")
    func allApps() async throws {
        #expect(inventory.removable(CleanRequest(app: nil, keep: 0)) == inventory.removable(CleanRequest(app: nil, keep: -3)))
        let answer = try await inventory.clean(CleanRequest(app: nil, keep: -3))
        #expect(answer.removed.sorted() == [
            "blog.2026-11-25_001", "blog.2026-11-25_002", "blog.2026-11-25_004", "blog.2026-11-25_005", "wiki.2026-11-25_002",
        ])
        #expect(remaining() == ["blog.2026-11-25_003", "wiki.2026-11-25_001"])
    }

    @Test("keeping more than there are removes nothing")
    func keepMany() async throws {
        #expect(try await inventory.clean(CleanRequest(app: nil, keep: 10)).removed == [])
        #expect(remaining().count == 7)
    }

    @Test("the active instance cannot be removed")
    func activeIsRefused() async throws {
        let error = await #expect(throws: AgentError.self) { try await inventory.remove("blog.2026-11-25_003") }
        #expect(error?.description == "blog.2026-11-25_003 is the active instance of blog; activate another one first")
        #expect(root.exists("/var/www/blog.2026-11-25_003"))
    }
}

@Suite struct InstanceProcessTests {
    let paths = NodePaths(root: "/scratch")

    @Test func wsgiRunsGunicornOnTheInstancePort() {
        let record = InstanceRecord(name: "blog.2026-11-25_001", app: "blog", port: 20003, launch: .wsgi(runner: "app.py"))
        #expect(InstanceProcess(paths: paths).serveCommand(record) == [
            "/usr/bin/gunicorn", "--bind", "127.0.0.1:20003", "--workers", "2", "--graceful-timeout", "25",
            "--access-logfile", "-", "--chdir", "/scratch/var/www/blog.2026-11-25_001", "silverlining_wsgi:application",
        ])
    }

    @Test("a command is run by /bin/sh as written, not split or quoted")
    func commandRunsThroughTheShell() {
        let record = InstanceRecord(name: "api.2026-11-25_001", app: "api", port: 20004, launch: .command("exec ./server --port \"$PORT\""))
        #expect(InstanceProcess(paths: paths).serveCommand(record) == ["/bin/sh", "-c", "exec ./server --port \"$PORT\""])
    }

    @Test("the environment is a plain base plus the instance's variables, which win")
    func environment() throws {
        let root = try TemporaryRoot()
        let variables = [EnvironmentVariable(name: "PORT", value: "20005"), EnvironmentVariable(name: "PATH", value: "/opt/bin")]
        try root.write("/var/lib/silverlining/instances/x.2026-11-25_001.env", String(decoding: try JSONEncoder().encode(variables), as: UTF8.self))
        let environment = try InstanceProcess(paths: root.paths).environment("x.2026-11-25_001")
        #expect(environment == [
            "PATH": "/opt/bin", "LANG": "C.UTF-8", "HOME": "/var/www", "PYTHONUNBUFFERED": "1", "PORT": "20005",
            "PYTHONPATH": AppRuntime.pythonDirectory,
        ])
        #expect(throws: AgentError.self) { try InstanceProcess(paths: root.paths).environment("missing") }
    }

    @Test("silversupport stays importable when the app sets its own PYTHONPATH")
    func appPythonPath() throws {
        let root = try TemporaryRoot()
        let variables = [EnvironmentVariable(name: "PYTHONPATH", value: "/var/www/x/src")]
        try root.write("/var/lib/silverlining/instances/x.2026-11-25_001.env", String(decoding: try JSONEncoder().encode(variables), as: UTF8.self))
        let environment = try InstanceProcess(paths: root.paths).environment("x.2026-11-25_001")
        #expect(environment["PYTHONPATH"] == AppRuntime.pythonDirectory + ":/var/www/x/src")
    }

    @Test("a PHP instance is a PHP-FPM master of its own, configured beside its TEMP")
    func phpRunsItsOwnFPM() {
        let record = InstanceRecord(name: "site.2026-11-25_001", app: "site", port: 20006, launch: .php(runner: "site/runner.php", root: "site"))
        #expect(InstanceProcess(paths: paths).serveCommand(record) == [
            "/usr/sbin/php-fpm8.2", "--nodaemonize", "--force-stderr", "--fpm-config", "/scratch/var/tmp/silverlining/site.2026-11-25_001/.silverlining-php-fpm.conf",
        ])
    }

    @Test("the FPM pool listens on the instance's loopback port and hands workers the environment, holding no secret itself")
    func fpmConfiguration() {
        let text = PHPRuntime.fpmConfiguration(
            instance: "site.2026-11-25_001", port: 20006, directory: "/var/www/site.2026-11-25_001",
            temporaryDirectory: "/var/tmp/silverlining/site.2026-11-25_001")
        for line in [
            "[site.2026-11-25_001]", "listen = 127.0.0.1:20006", "clear_env = no", "chdir = /var/www/site.2026-11-25_001",
            "daemonize = no", "security.limit_extensions = .php", "php_admin_flag[short_open_tag] = on",
            "php_admin_value[sys_temp_dir] = /var/tmp/silverlining/site.2026-11-25_001",
        ] {
            #expect(text.split(separator: "\n").contains(Substring(line)), "\(line)")
        }
        #expect(!text.contains("env["), "the environment is inherited, never written into the file")
        #expect(!text.contains("user ="), "the master already runs as the app's user")
    }
}

@Suite struct TimestampTests {
    @Test(
        "seconds since 1970 as UTC, fractions dropped",
        arguments: [
            (0, "1970-01-01 00:00:00 UTC"), (1709210096.75, "2024-02-29 12:34:56 UTC"),
            (4102444799, "2099-12-31 23:59:59 UTC"), (86400 * 31 + 3661, "1970-02-01 01:01:01 UTC"),
        ] as [(Double, String)])
    func text(seconds: Double, text: String) {
        #expect(Timestamp.text(seconds) == text)
    }

    @Test func nowIsNow() {
        let now = Timestamp.now()
        #expect(abs(now - Date().timeIntervalSince1970) < 5)
    }
}

@Suite struct ActivationPathTests {
    @Test(
        "nginx is asked at the health check path under the location",
        arguments: [("/", "/health", "/health"), ("/blog/", "/health", "/blog/health"), ("/blog", "ping", "/blog/ping"), ("/", "/", "/")])
    func healthCheckUnderLocation(location: String, path: String, expected: String) {
        #expect(Activation.join(location, path) == expected)
    }
}
