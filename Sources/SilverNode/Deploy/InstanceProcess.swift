import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Becomes an instance's process (`serve`, run by its systemd unit) or runs a command in its
/// environment (`exec`, for `silver run` and `script:` fetches): the agent replaces itself
/// with the program, so its output and exit status are the program's own.
public struct InstanceProcess: Sendable {
    public var paths: NodePaths

    public init(paths: NodePaths = NodePaths()) {
        self.paths = paths
    }

    public static let gunicorn = "/usr/bin/gunicorn"

    var registry: InstanceRegistry { InstanceRegistry(paths: paths) }

    /// What silver wrote for the instance's environment, in order.
    public func variables(_ name: String) throws -> [EnvironmentVariable] {
        guard let bytes = FileSystem.read(registry.environmentPath(name)) else {
            throw AgentError.failed("instance \(name) has no environment on this node")
        }
        return try JSONDecoder().decode([EnvironmentVariable].self, from: Data(bytes))
    }

    /// The instance's environment: a plain base, then what silver wrote for it.
    public func environment(_ name: String) throws -> [String: String] {
        var environment = [
            "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": NodeLayout.instances,
            "PYTHONUNBUFFERED": "1",
        ]
        for variable in try variables(name) { environment[variable.name] = variable.value }
        // silversupport and silver's loader are importable by every Python program an
        // instance runs: its server, `silver run`, `script:` fetches, the config checker.
        environment["PYTHONPATH"] = ([AppRuntime.pythonDirectory] + (environment["PYTHONPATH"].map { [$0] } ?? []))
            .joined(separator: ":")
        return environment
    }

    /// Becomes `tail` on a log file (`silver logs`), so that following it ends when silver does.
    public func tail(_ file: String, lines: Int, follow: Bool) throws -> Never {
        try execute(
            ["tail", "-n", String(max(0, lines))] + (follow ? ["-F"] : []) + [paths.path(file)],
            environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"], directory: "/")
    }

    /// The program and arguments that run the instance.
    public func serveCommand(_ record: InstanceRecord) -> [String] {
        switch record.launch {
        case .wsgi:
            [
                Self.gunicorn, "--bind", "127.0.0.1:\(record.port)", "--workers", "2", "--graceful-timeout", "25",
                "--access-logfile", "-", "--chdir", registry.instanceDirectory(record.name), "silverlining_wsgi:application",
            ]
        case .php:
            [PHPRuntime.fpmProgram, "--nodaemonize", "--force-stderr", "--fpm-config", fpmConfigurationPath(record.name)]
        case .command(let command):
            ["/bin/sh", "-c", command]
        }
    }

    /// Beside the instance's TEMP, which only the app's user may enter.
    func fpmConfigurationPath(_ name: String) -> String {
        paths.path(NodeLayout.temporaryDirectory(name)) + "/.silverlining-php-fpm.conf"
    }

    /// Started as root by the instance's unit: reads what only root may, makes sure of the
    /// log systemd opened, then becomes the app's user for good. A unit of an older node that
    /// already runs as another user (`www-data`) keeps running as that user.
    public func serve(_ name: String) throws -> Never {
        guard let record = registry.record(name) else { throw AgentError.failed("no instance \(name) on this node") }
        var environment = try environment(name)
        if getuid() == 0 {
            let account = AppAccount(app: record.app)
            try AppFiles(paths: paths, account: try account.resolved()).prepareLog(name)
            try become(account)
        }
        let directory = registry.instanceDirectory(name)
        switch record.launch {
        case .wsgi(let runner):
            environment["SILVER_RUNNER"] = directory + "/" + runner
        case .php(let runner, let root):
            // What the master runner reads from $_SERVER to find the app's runner and php_root.
            environment["SILVER_INSTANCE_DIR"] = directory
            environment["SILVER_RUNNER"] = runner
            environment["SILVER_PHP_ROOT"] = root ?? ""
            try writeFPMConfiguration(record)
        case .command:
            break
        }
        try execute(serveCommand(record), environment: environment, directory: directory)
    }

    /// Written by the instance's own process (the app's user), where only it can read.
    func writeFPMConfiguration(_ record: InstanceRecord) throws {
        let temporary = paths.path(NodeLayout.temporaryDirectory(record.name))
        let text = PHPRuntime.fpmConfiguration(
            instance: record.name, port: record.port, directory: registry.instanceDirectory(record.name), temporaryDirectory: temporary)
        try FileSystem.writeAtomically(fpmConfigurationPath(record.name), bytes: Array(text.utf8), mode: 0o600, uid: getuid(), gid: getgid())
    }

    /// Runs `command` as the app's user in the instance's directory and environment.
    public func exec(_ name: String, command: [String]) throws -> Never {
        guard let record = registry.record(name) else { throw AgentError.failed("no instance \(name) on this node") }
        let environment = try environment(name)
        if getuid() == 0 { try become(AppAccount(app: record.app)) }
        try execute(command, environment: environment, directory: registry.instanceDirectory(name))
    }

    /// Drops root for the app's user, its group and its other groups (the apps' shared one),
    /// for good: nothing the app runs can take root back.
    func become(_ account: AppAccount) throws {
        let ids = try account.resolved()
        guard initgroups(account.user, ids.gid) == 0, setgid(ids.gid) == 0, setuid(ids.uid) == 0 else {
            throw AgentError.system("cannot become \(account.user)", errno)
        }
        guard setuid(0) != 0 else { throw AgentError.failed("\(account.user) could take root back; refusing to run \(account.app)") }
    }

    /// A program starts with the signal mask and ignored signals of the one that exec'd it.
    /// Swift's runtime blocks most signals in this thread and silver ignores SIGPIPE: left
    /// so, gunicorn would never see systemd's SIGTERM and every stop would wait out
    /// TimeoutStopSec.
    static func resetSignals() {
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2] {
            Glibc.signal(signal, SIG_DFL)
        }
    }

    func execute(_ command: [String], environment: [String: String], directory: String) throws -> Never {
        guard let program = command.first else { throw AgentError.failed("no command given") }
        guard chdir(directory) == 0 else { throw AgentError.system("cannot enter \(directory)", errno) }
        let arguments = command.map { strdup($0) } + [nil]
        // Only the instance's own environment, not the SSH session's.
        clearenv()
        for (name, value) in environment { setenv(name, value, 1) }
        Self.resetSignals()
        execvp(program, arguments)
        throw AgentError.system("cannot run \(program)", errno)
    }
}
