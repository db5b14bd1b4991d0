import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `silver serve DIR`: the app on this machine, with the environment an app server gives it
/// in development form (`DevelEnvironment`), `static/` served, `update_fetch` run once when it
/// first answers, and the server restarted whenever a file of the app changes. Python apps
/// load through the app servers' own loader on Python's wsgiref server; PHP apps run on
/// `php -S` through the master runner; `command` apps run as they are, behind the same server.
public struct DevelServer: Sendable {
    public var app: AppConfig
    public var host = "127.0.0.1"
    public var port = 8080
    public var configDirectory: String?
    public var environment: [String: String] = ProcessInfo.processInfo.environment
    public var console: Console
    /// How often files are compared for changes.
    public var watchInterval: Duration = .milliseconds(500)

    public init(app: AppConfig, console: Console) {
        self.app = app
        self.console = console
    }

    /// The processes that serve the app, and what they all get.
    struct Launch {
        var commands: [Command]
        var environment: [String: String]
    }

    var home: String { environment["HOME"] ?? NSHomeDirectory() }

    var runtime: DevelRuntime {
        DevelRuntime(directory: SilverHome(environment: environment).path + "/serve", secretPath: home + "/.silverlining/secret.txt")
    }

    var develEnvironment: DevelEnvironment {
        get throws {
            DevelEnvironment(
                app: app, devel: try DevelConfig.load(app: app.appName, environment: environment), home: home,
                user: environment["USER"] ?? environment["LOGNAME"] ?? NSUserName(),
                temporaryDirectory: (environment["TMPDIR"] ?? NSTemporaryDirectory()).replacing("//", with: "/") + "/silver-serve-" + app.appName,
                configDirectory: configDirectory.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        }
    }

    func launch(token: String, innerPort: Int) throws -> Launch {
        let devel = try develEnvironment
        var environment = Dictionary(try devel.variables().map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
        let statics = [app.directory + "/" + app.staticDirectory] + (environment["CONFIG_WRITABLE_ROOT"].map { [$0] } ?? [])
        environment[DevelServerSource.tokenVariable] = token
        environment[DevelServerSource.staticVariable] = statics.joined(separator: ":")
        let front = Command("python3", [runtime.server])
        let python = ([runtime.pythonDirectory] + (self.environment["PYTHONPATH"].map { [$0] } ?? [])).joined(separator: ":")
        environment[DevelServerSource.hostVariable] = host
        environment[DevelServerSource.portVariable] = String(port)
        environment["PYTHONPATH"] = python
        environment["PYTHONUNBUFFERED"] = "1"
        switch app.launch {
        case .wsgi(let runner):
            environment["SILVER_RUNNER"] = app.directory + "/" + runner
            return Launch(commands: [front], environment: environment)
        case .php(let runner, let root):
            environment["SILVER_INSTANCE_DIR"] = app.directory
            environment["SILVER_RUNNER"] = runner
            environment["SILVER_PHP_ROOT"] = root ?? ""
            let php = Command("php", ["-S", "\(host):\(port)", "-d", "short_open_tag=On", "-t", app.directory, runtime.phpRouter])
            return Launch(commands: [php], environment: environment)
        case .command(let command):
            environment[DevelServerSource.backendVariable] = "127.0.0.1:\(innerPort)"
            environment["PORT"] = String(innerPort)
            return Launch(commands: [Command("/bin/sh", ["-c", command]), front], environment: environment)
        }
    }

    /// Serves until interrupted (or until the server cannot start).
    public func run() async throws {
        let devel = try develEnvironment
        for directory in try devel.directories() {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        try runtime.write()
        let token = UUID().uuidString
        let launch = try launch(token: token, innerPort: try FreePort.find())
        let skipped: Set<String> = [app.staticDirectory, "silver-logs"]
        var first = true
        while true {
            let before = FileSnapshot(directory: app.directory, skipping: skipped)
            let ended = Ended()
            let server = Task {
                defer { ended.set() }
                return try await Self.serve(launch, directory: app.directory)
            }
            if first {
                try await waitUntilAnswering(server, ended: ended)
                if Task.isCancelled {
                    server.cancel()
                    _ = try? await server.value
                    return
                }
                console.say("serving \(app.appName) on http://\(host):\(port)/ (Ctrl-C to stop)")
                await fetchUpdates(launch, token: token)
                first = false
            }
            var changed: String?
            await poll(every: watchInterval, deadline: .seconds(10 * 365 * 86400)) {
                changed = FileSnapshot(directory: app.directory, skipping: skipped).change(since: before)
                return changed != nil || ended.value
            }
            server.cancel()
            let status = try? await server.value
            // Interrupted (Ctrl-C, SIGTERM): the server's processes have been stopped.
            if Task.isCancelled { return }
            if changed == nil {
                console.warn("the app's server exited (status \(status.map(String.init) ?? "unknown")); waiting for a file to change")
                await poll(every: watchInterval, deadline: .seconds(10 * 365 * 86400)) {
                    changed = FileSnapshot(directory: app.directory, skipping: skipped).change(since: before)
                    return changed != nil
                }
                if Task.isCancelled { return }
            }
            console.say("\(changed ?? "a file") changed: restarting")
        }
    }

    /// Runs every process of `launch` on this terminal until one ends; returns its status.
    static func serve(_ launch: Launch, directory: String) async throws -> Int32 {
        try await withThrowingTaskGroup(of: Int32.self) { group in
            for command in launch.commands {
                group.addTask { try await CommandRunner().runAttached(command, environment: launch.environment, workingDirectory: directory) }
            }
            let status = try await group.next() ?? 0
            group.cancelAll()
            return status
        }
    }

    func waitUntilAnswering(_ server: Task<Int32, any Error>, ended: Ended) async throws {
        let address = host == "0.0.0.0" ? "127.0.0.1" : host
        let open = await poll(every: .milliseconds(100), deadline: .seconds(30)) {
            TCPProbe.isOpen(address: address, port: port, timeout: .milliseconds(300)) || ended.value
        }
        if ended.value {
            throw ServeError.serverExited(status: (try? await server.value) ?? -1)
        }
        guard open || Task.isCancelled else {
            server.cancel()
            throw ServeError.notListening(port: port, detail: "nothing listened within 30 s")
        }
    }

    /// `update_fetch`, once: each path requested through the server, marked as silver's own
    /// by this run's token; `script:CMD` run in the app's directory and environment. A failure
    /// is reported; the app keeps being served.
    func fetchUpdates(_ launch: Launch, token: String) async {
        let address = host == "0.0.0.0" ? "127.0.0.1" : host
        for entry in app.updateFetch {
            if entry.hasPrefix("script:") {
                let script = String(entry.dropFirst("script:".count)).trimmingCharacters(in: .whitespaces)
                console.say("update_fetch: running \(script)")
                let status = try? await CommandRunner().runAttached(
                    Command("/bin/sh", ["-c", script]), environment: launch.environment, workingDirectory: app.directory)
                if status != 0 { console.warn("update_fetch \(entry) failed: exit status \(status.map(String.init) ?? "unknown")") }
                continue
            }
            guard let url = URL(string: "http://\(address):\(port)\(entry)") else {
                console.warn("update_fetch \(entry) is not a path")
                continue
            }
            var request = URLRequest(url: url, timeoutInterval: 300)
            request.setValue(token, forHTTPHeaderField: RouterConfiguration.updateHeader)
            request.setValue("localhost", forHTTPHeaderField: "Host")
            do {
                let (data, response) = try await URLSession.shared.data(for: request)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                console.say("update_fetch: GET \(entry) -> \(status)")
                let body = String(decoding: data, as: UTF8.self)
                for line in (body.hasSuffix("\n") ? body.dropLast() : Substring(body)).split(separator: "\n", omittingEmptySubsequences: false).prefix(40) {
                    console.say("  " + line)
                }
                if !(200..<400).contains(status) { console.warn("update_fetch \(entry) failed: HTTP \(status)") }
            } catch {
                console.warn("update_fetch \(entry) failed: \(error.localizedDescription)")
            }
        }
    }
}

/// Whether the server's processes have ended, set by the task that waits for them.
final class Ended: Sendable {
    private let state = Mutex(false)

    var value: Bool { state.withLock { $0 } }
    func set() { state.withLock { $0 = true } }
}
