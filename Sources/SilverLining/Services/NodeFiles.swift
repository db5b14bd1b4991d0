/// Files a service moves between a node and this machine: a private scratch directory on the
/// node for dumps, and copies over the node's SSH connection with rsync, so large backups
/// stream to disk instead of passing through memory.
struct NodeFiles: Sendable {
    var ssh: SSH
    var node: NodeAddress

    /// Runs `body` with a new directory on the node (mode 0700, owned by `owner`, root by
    /// default), removed afterwards whether `body` succeeded or not.
    func withScratchDirectory<T>(owner: String? = nil, _ body: (String) async throws -> T) async throws -> T {
        let made = try await ssh.check(
            Command("mktemp", ["-d", "/var/tmp/silverlining-service.XXXXXXXX"], step: "make a scratch directory"), on: node)
        let directory = made.text.trimmed
        guard directory.hasPrefix("/var/tmp/silverlining-service.") else {
            throw RemoteError.failed(node: node.name, step: "make a scratch directory", status: 0, errorOutput: "mktemp printed \(directory)")
        }
        let outcome: Result<T, any Error>
        do {
            if let owner { try await ssh.check(Command("chown", [owner, directory], step: "hand the scratch directory to \(owner)"), on: node) }
            outcome = .success(try await body(directory))
        } catch {
            outcome = .failure(error)
        }
        _ = try? await ssh.run(Command("rm", ["-rf", "--", directory], step: "remove the scratch directory"), on: node)
        return try outcome.get()
    }

    /// Copies the node's file `remote` to `local` on this machine.
    func fetch(_ remote: String, to local: String) async throws {
        try await Rsync.run(from: node, path: remote, to: local, ssh: ssh, extra: ["--times"], step: "copy \(remote) from the node")
    }

    /// Copies `local` on this machine to `remote` on the node.
    func send(_ local: String, to remote: String) async throws {
        try await Rsync.run(sources: [local], to: node, path: remote, ssh: ssh, extra: ["--times"], step: "copy \(local) to the node")
    }
}
