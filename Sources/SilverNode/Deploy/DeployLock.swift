import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// The nodeset's deploy lock, a file on its first app server: taken atomically (O_EXCL), it
/// names who holds it so that a second run can say whom it is waiting for.
public struct DeployLock: Sendable {
    public var paths: NodePaths

    public init(paths: NodePaths = NodePaths()) {
        self.paths = paths
    }

    public var path: String { paths.path(NodeLayout.deployLock) }

    public func holder() -> LockHolder? {
        FileSystem.read(path).flatMap { try? JSONDecoder().decode(LockHolder.self, from: Data($0)) }
    }

    public func handle(_ request: LockRequest) throws -> LockAnswer {
        switch request.action {
        case .acquire:
            let bytes = [UInt8](try JSONEncoder().encode(request.holder))
            try FileManager.default.createDirectory(atPath: FileSystem.parent(of: path), withIntermediateDirectories: true)
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                guard errno == EEXIST else { throw AgentError.system("cannot take the deploy lock", errno) }
                // Empty or garbled: a node that lost power between creating the file and
                // writing it. Said so, with the path, rather than passed off as no holder.
                guard let current = holder() else { return LockAnswer(done: false, holder: nil, unreadable: path) }
                return LockAnswer(done: false, holder: current)
            }
            defer { close(fd) }
            guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
                unlink(path)
                throw AgentError.system("cannot write the deploy lock", errno)
            }
            return LockAnswer(done: true, holder: request.holder)
        case .release:
            let current = holder()
            guard current?.token == request.holder.token else { return LockAnswer(done: false, holder: current) }
            try FileSystem.remove(path)
            return LockAnswer(done: true, holder: current)
        case .breakLock:
            let current = holder()
            try FileSystem.remove(path)
            return LockAnswer(done: current != nil, holder: current)
        }
    }
}
