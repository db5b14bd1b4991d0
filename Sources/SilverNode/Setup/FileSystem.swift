import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// The few file operations the agent needs, with owners by name and atomic replacement, on
/// top of POSIX calls (FoundationEssentials has no owner-by-name attributes).
enum FileSystem {
    /// The whole file, read to its end: Foundation's readers trust the size `stat` reports and
    /// stop after one page of a /proc file, whose size is 0 (e.g. /proc/net/tcp).
    static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { return bytes }
            bytes += buffer[0..<count]
        }
    }

    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    struct Status: Equatable {
        var mode: Int
        var uid: UInt32
        var gid: UInt32
        var isDirectory: Bool
        var isSymbolicLink = false
    }

    static func status(_ path: String) -> Status? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return Status(
            mode: Int(info.st_mode & 0o7777), uid: info.st_uid, gid: info.st_gid,
            isDirectory: (info.st_mode & S_IFMT) == S_IFDIR, isSymbolicLink: (info.st_mode & S_IFMT) == S_IFLNK)
    }

    /// Calls `body` for everything under `path`, then `path` itself (so a walk cut short
    /// leaves the top as it was, and is done again next time), never following a symbolic link.
    static func walk(_ path: String, _ body: (String, Status) throws -> Void) throws {
        guard let status = status(path) else { return }
        if status.isDirectory {
            for name in try FileManager.default.contentsOfDirectory(atPath: path) { try walk(path + "/" + name, body) }
        }
        try body(path, status)
    }

    /// Sets the owner of `path` itself, a symbolic link included, and its mode unless it is a
    /// link (whose mode means nothing and whose target may be anywhere).
    static func setOwner(_ path: String, _ status: Status, uid: UInt32, gid: UInt32, mode: Int) throws {
        if status.uid != uid || status.gid != gid {
            guard lchown(path, uid, gid) == 0 else { throw AgentError.system("cannot set the owner of \(path)", errno) }
        }
        if !status.isSymbolicLink && status.mode != mode {
            guard chmod(path, mode_t(mode)) == 0 else { throw AgentError.system("cannot set the mode of \(path)", errno) }
        }
    }

    static func uid(_ user: String) throws -> UInt32 {
        guard let entry = getpwnam(user) else { throw AgentError.unknownUser(user) }
        return entry.pointee.pw_uid
    }

    static func gid(_ group: String) throws -> UInt32 {
        guard let entry = getgrnam(group) else { throw AgentError.unknownGroup(group) }
        return entry.pointee.gr_gid
    }

    /// Writes through a temporary file in the same directory and renames it into place, so a
    /// reader sees the old file or the new one, never half of one.
    static func writeAtomically(_ path: String, bytes: [UInt8], mode: Int, uid: UInt32, gid: UInt32) throws {
        let directory = parent(of: path)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = "\(directory)/.\(basename(of: path)).silver-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AgentError.system("cannot write \(path)", errno) }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else {
                let error = errno
                close(fd)
                unlink(temporary)
                throw AgentError.system("cannot write \(path)", error)
            }
            written += n
        }
        guard fsync(fd) == 0, fchown(fd, uid, gid) == 0, fchmod(fd, mode_t(mode)) == 0 else {
            let error = errno
            close(fd)
            unlink(temporary)
            throw AgentError.system("cannot finish writing \(path)", error)
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let error = errno
            unlink(temporary)
            throw AgentError.system("cannot replace \(path)", error)
        }
    }

    static func setOwnerAndMode(_ path: String, mode: Int, uid: UInt32, gid: UInt32) throws {
        guard chown(path, uid, gid) == 0, chmod(path, mode_t(mode)) == 0 else {
            throw AgentError.system("cannot set owner and mode of \(path)", errno)
        }
    }

    static func remove(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw AgentError.system("cannot remove \(path)", errno) }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func basename(of path: String) -> String {
        path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
    }
}

public enum AgentError: UserFacingError {
    case unknownUser(String)
    case unknownGroup(String)
    case system(String, Int32)
    case checkFailed(command: [String], output: String)
    case badRequest(String)
    case failed(String)

    public var exitStatus: Int32 { ExitStatus.failure }

    public var description: String {
        switch self {
        case .unknownUser(let user): "no user \(user) on this node"
        case .unknownGroup(let group): "no group \(group) on this node"
        case .system(let what, let error): "\(what): \(String(cString: strerror(error)))"
        case .checkFailed(let command, let output):
            "\(command.joined(separator: " ")) rejected the new configuration, so the previous one was kept:\n\(output.trimmed)"
        case .badRequest(let what): "the node agent could not read its request: \(what)"
        case .failed(let what): what
        }
    }
}
