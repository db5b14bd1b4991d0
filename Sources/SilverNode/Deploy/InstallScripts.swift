import FoundationEssentials

/// An app's `package_install_script` and `after_install_script`: files in the instance, run
/// as root on each app server, in order, before and after its `packages` are installed (as
/// Silver Lining ran them), e.g. to add an apt source. A script that is not executable is
/// run by /bin/sh. A failing script stops the install, naming the script and its output.
public struct InstallScripts: Sendable {
    public var paths: NodePaths
    public var runner: CommandRunner
    public var progress: @Sendable (String) -> Void

    public init(paths: NodePaths = NodePaths(), runner: CommandRunner = CommandRunner(), progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.paths = paths
        self.runner = runner
        self.progress = progress
    }

    static let environment = ["DEBIAN_FRONTEND": "noninteractive", "LC_ALL": "C", "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]

    public func run(_ scripts: [String], instance: String) async throws {
        let directory = InstanceRegistry(paths: paths).instanceDirectory(instance)
        for script in scripts {
            guard !script.hasPrefix("/"), !script.split(separator: "/").contains("..") else {
                throw AgentError.failed("\(script) is not a file inside \(instance)")
            }
            let path = directory + "/" + script
            guard let status = FileSystem.status(path), !status.isDirectory else {
                throw AgentError.failed("\(instance) has no script \(script)")
            }
            progress("running \(script)")
            let command = status.mode & 0o111 != 0 ? Command(path, [], step: "run \(script)") : Command("/bin/sh", [path], step: "run \(script)")
            _ = try await runner.check(command, environment: Self.environment, workingDirectory: directory)
        }
    }
}
