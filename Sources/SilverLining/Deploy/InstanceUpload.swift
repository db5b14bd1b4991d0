/// Sends an app's files to a node as a new instance with rsync. `--link-dest` points at the
/// node's previous instance, so files that did not change are hard-linked there instead of
/// sent again.
public struct InstanceUpload: Sendable {
    public var ssh: SSH
    public var app: AppConfig
    public var instance: String
    public var configDirectory: String?

    /// Never part of an instance.
    public static let excluded = [".git/", ".hg/", ".svn/", "__pycache__/", "*.pyc", ".DS_Store"]

    public func arguments(previous: String?) -> [String] {
        // --checksum: two versions of a file with the same size and time (written in the same
        // second) must not be taken for the same file and hard-linked from the old instance.
        var arguments = ["-rlpt", "--checksum", "--chmod=Dgo+rx,Fgo+r", "--stats", "--mkpath"]
        arguments += Self.excluded.map { "--exclude=\($0)" }
        if let previous, previous != instance { arguments.append("--link-dest=/var/www/\(previous)/") }
        return arguments
    }

    /// Uploads; returns the bytes rsync sent.
    public func send(to node: NodeRecord, previous: String?) async throws -> Int {
        var total = try await rsync(
            source: app.directory, destination: "/var/www/\(instance)/", extra: arguments(previous: previous), node: node)
        if let configDirectory {
            total += try await rsync(
                source: configDirectory, destination: "/var/lib/silverlining/config/\(instance)/",
                extra: ["-rlpt", "--chmod=Dgo+rx,Fgo+r", "--stats", "--mkpath"], node: node)
        }
        return total
    }

    private func rsync(source: String, destination: String, extra: [String], node: NodeRecord) async throws -> Int {
        let command = Rsync.command(
            sources: [source.hasSuffix("/") ? source : source + "/"], destination: "\(node.address):\(destination)", ssh: ssh,
            extra: extra, step: "upload \(instance)")
        let result = try await ssh.runner.run(command)
        guard result.succeeded else {
            if result.status == 255, let failure = RemoteError(sshStderr: result.errorText, node: node.reach) { throw failure }
            throw RemoteError.failed(node: node.name, step: command.step, status: result.status, errorOutput: result.errorText)
        }
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
