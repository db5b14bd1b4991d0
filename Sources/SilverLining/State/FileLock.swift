import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive lock on a file, held by this process until released or until it exits, so
/// that two silver runs never build the same base image or pick the same subnet at once.
public final class FileLock: Sendable {
    private let descriptor: Int32
    public let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    /// Waits (polling, so the task stays cancellable) until the lock is ours.
    public static func acquire(_ path: String, waiting deadline: Duration = .seconds(600)) async throws -> FileLock {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw FileLockError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        guard await poll(every: .milliseconds(100), deadline: deadline, until: { flock(fd, LOCK_EX | LOCK_NB) == 0 }) else {
            close(fd)
            throw FileLockError.timedOut(path: path)
        }
        return FileLock(descriptor: fd, path: path)
    }

    public func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    public static func withLock<T>(_ path: String, _ body: () async throws -> T) async throws -> T {
        let lock = try await acquire(path)
        defer { lock.release() }
        return try await body()
    }
}

public enum FileLockError: UserFacingError {
    case cannotOpen(path: String, reason: String)
    case timedOut(path: String)

    public var exitStatus: Int32 { ExitStatus.failure }

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open lock file \(path): \(reason)"
        case .timedOut(let path): "gave up waiting for another silver run to release \(path)"
        }
    }
}
