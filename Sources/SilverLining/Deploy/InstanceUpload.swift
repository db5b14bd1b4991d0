/// Sends an app's files to a node as a new instance with rsync, into the directory the node's
/// agent names. `--link-dest` points at the node's previous instance, so files that did not
/// change are hard-linked there instead of sent again.
public struct InstanceUpload: Sendable {
    public var ssh: SSH
    public var app: AppConfig
    public var configDirectory: String?

    public init(ssh: SSH, app: AppConfig, configDirectory: String?) {
        self.ssh = ssh
        self.app = app
        self.configDirectory = configDirectory
    }

    /// Never part of an instance.
    public static let excluded = [".git/", ".hg/", ".svn/", "__pycache__/", "*.pyc", ".DS_Store"]

    /// rsync's options for the app's files; `linkTo` is the previous instance's directory.
    public func arguments(linkTo: String?) -> [String] {
        // --checksum: two versions of a file with the same size and time (written in the same
        // second) must not be taken for the same file and hard-linked from the old instance.
        // Root's and not group-writable, so the app cannot change its own code; readable by
        // the app's group (its user and nginx), by no other app (`AppFiles.instanceMode`).
        var arguments = [
            "-rlpt", "--checksum", "--chown=root:\(AppAccount(app: app.appName).group)", "--chmod=D750,Fg+r,Fg-w,Fo-rwx", "--stats", "--mkpath",
        ]
        arguments += Self.excluded.map { "--exclude=\($0)" }
        if let linkTo { arguments.append("--link-dest=\(linkTo)") }
        return arguments
    }

    /// Uploads `instance`; returns the bytes rsync sent.
    public func send(to node: NodeAddress, into directories: UploadDirectories, instance: String, linkTo previous: String?) async throws -> Int {
        let linkTo = previous.flatMap { $0 == instance ? nil : directories.instance($0) }
        var total = try await rsync(
            app.directory, to: node, path: directories.instance(instance), extra: arguments(linkTo: linkTo), instance: instance)
        // Silver Lining's layout: one configuration per app, replaced whole by the next
        // --config, read by every instance of the app through SILVER_APP_CONFIG. It may hold
        // secrets: root's alone until the install gives it to the app's user alone.
        if let configDirectory {
            total += try await rsync(
                configDirectory, to: node, path: directories.config(app: app.appName),
                extra: ["-rlpt", "--delete", "--chmod=D700,F600", "--stats", "--mkpath"], instance: instance)
        }
        return total
    }

    private func rsync(_ source: String, to node: NodeAddress, path: String, extra: [String], instance: String) async throws -> Int {
        let result = try await Rsync.run(
            sources: [source.hasSuffix("/") ? source : source + "/"], to: node, path: path, ssh: ssh, extra: extra,
            step: "upload \(instance)")
        return Self.bytesSent(result.text)
    }

    /// rsync's `--stats` line `Total bytes sent: 1,234`.
    static func bytesSent(_ stats: String) -> Int {
        for line in stats.split(separator: "\n") where line.hasPrefix("Total bytes sent:") {
            return Int(line.dropFirst("Total bytes sent:".count).filter(\.isNumber)) ?? 0
        }
        return 0
    }
}
