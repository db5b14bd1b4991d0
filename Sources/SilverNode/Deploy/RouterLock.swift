import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Serialises changes to what nginx routes on one app server: an activation (the rollout)
/// and a disable or deactivate (an operator, perhaps during that rollout) each read the
/// active instances and the routing choices and render nginx's file from them; one that
/// rendered from what the other was changing would undo it. The kernel lets the lock go
/// when its holder exits, however it exits.
enum RouterLock {
    static func held<Value>(_ paths: NodePaths, _ body: () async throws -> Value) async throws -> Value {
        let path = paths.path(NodeLayout.routerLock)
        try FileManager.default.createDirectory(atPath: FileSystem.parent(of: path), withIntermediateDirectories: true)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AgentError.system("cannot open \(path)", errno) }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw AgentError.system("cannot lock \(path)", errno) }
        }
        return try await body()
    }
}
