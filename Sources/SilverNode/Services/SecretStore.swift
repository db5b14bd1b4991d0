import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Secrets a node keeps for the services it runs, such as an app's database password: made
/// once, on the node that needs them, readable by root only, and never sent anywhere except
/// back to silver when it asks. Under `/var/lib/silverlining/secrets/SERVICE/APP`.
public struct SecretStore: Sendable {
    public var paths: NodePaths

    public init(paths: NodePaths = NodePaths()) {
        self.paths = paths
    }

    public var directory: String { paths.path(NodeLayout.secrets) }

    /// The secret called `name` (`mysql/blog`), made the first time it is asked for. Two
    /// callers asking at once get the same secret: the file appears whole, by `link`, or
    /// not at all.
    public func secret(named name: String) throws -> SecretAnswer {
        try Self.keep(at: try privatePath(of: name), name: name, mode: 0o600, gid: 0)
    }

    /// The secret in the file at `path`, made there the first time. Two callers asking at
    /// once get the same secret: the file appears whole, by `link`, or not at all.
    static func keep(at path: String, name: String, mode: mode_t, gid: gid_t, newline: Bool = true) throws -> SecretAnswer {
        if let existing = try read(path) { return SecretAnswer(value: existing, created: false) }
        let value = generate()
        let temporary = try written(value, beside: path, mode: mode, gid: gid, newline: newline)
        defer { unlink(temporary) }
        if link(temporary, path) == 0 { return SecretAnswer(value: value, created: true) }
        guard errno == EEXIST, let existing = try read(path) else { throw AgentError.system("cannot keep the secret \(name)", errno) }
        return SecretAnswer(value: existing, created: false)
    }

    /// The secret called `name` if the node has it, without making one.
    public func existing(named name: String) throws -> String? {
        let parts = try Self.validated(name)
        return try Self.read(directory + "/" + parts.joined(separator: "/"))
    }

    /// Keeps `value` as the secret called `name`, replacing what was there: how the replicas
    /// of a database service get the passwords its primary made, so that whichever of them
    /// becomes primary has them.
    public func keep(_ value: String, named name: String) throws {
        guard !value.isEmpty, !value.contains("\n") else { throw AgentError.failed("the secret \(name) must be one non-empty line") }
        let path = try privatePath(of: name)
        if try Self.read(path) == value { return }
        let temporary = try Self.written(value, beside: path, mode: 0o600, gid: 0)
        defer { unlink(temporary) }
        guard rename(temporary, path) == 0 else { throw AgentError.system("cannot keep the secret \(name)", errno) }
    }

    /// Where the secret `name` is kept, with the root-only directories on the way made.
    private func privatePath(of name: String) throws -> String {
        let parts = try Self.validated(name)
        var folder = directory
        try FileManager.default.createDirectory(atPath: FileSystem.parent(of: folder), withIntermediateDirectories: true)
        try ensurePrivateDirectory(folder)
        for part in parts.dropLast() {
            folder += "/" + part
            try ensurePrivateDirectory(folder)
        }
        return folder + "/" + parts.last!
    }

    /// `value` in a new file of root's beside `path`, to be linked or renamed into place.
    private static func written(_ value: String, beside path: String, mode: mode_t, gid: gid_t, newline: Bool = true) throws -> String {
        let temporary = "\(path).new-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        try write(temporary, Array((value + (newline ? "\n" : "")).utf8), mode: mode, gid: gid)
        return temporary
    }

    /// Every secret in `folder` (`mysql`: each app's MariaDB password), by full name.
    public func all(in folder: String) throws -> [String: String] {
        _ = try Self.validated(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/" + folder)) ?? []
        var secrets: [String: String] = [:]
        // Half-written files (`NAME.new-...`) are not secrets.
        for name in names where !name.contains(".new-") && (try? Self.validated(folder + "/" + name)) != nil {
            if let value = try existing(named: folder + "/" + name) { secrets[folder + "/" + name] = value }
        }
        return secrets
    }

    /// 32 letters and digits from the system's secure generator (about 190 bits), so the
    /// secret needs no quoting in SQL, URLs or shells.
    static func generate() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// `SERVICE/APP`: one or two parts of letters, digits, `_`, `-` and `.`, never `.` or `..`.
    static func validated(_ name: String) throws -> [String] {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let valid = (1...2).contains(parts.count) && parts.allSatisfy { part in
            !part.isEmpty && part != "." && part != ".." && part.utf8.count <= 128
                && part.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_-.".unicodeScalars.contains($0)) }
        }
        guard valid else { throw AgentError.failed("\(name) is not a secret's name (SERVICE/APP, of letters, digits, _, - and .)") }
        return parts
    }

    private func ensurePrivateDirectory(_ path: String) throws {
        if mkdir(path, 0o700) != 0 && errno != EEXIST { throw AgentError.system("cannot make \(path)", errno) }
        guard let status = FileSystem.status(path), status.isDirectory else { throw AgentError.failed("\(path) is not a directory") }
        if status.mode != 0o700 || status.uid != 0 || status.gid != 0 {
            try FileSystem.setOwnerAndMode(path, mode: 0o700, uid: 0, gid: 0)
        }
    }

    static func read(_ path: String) throws -> String? {
        guard let bytes = FileSystem.read(path) else { return nil }
        let value = String(decoding: bytes, as: UTF8.self).trimmed
        guard !value.isEmpty else { throw AgentError.failed("\(path) is empty; remove it to make a new secret") }
        return value
    }

    private static func write(_ path: String, _ bytes: [UInt8], mode: mode_t, gid: gid_t) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw AgentError.system("cannot write \(path)", errno) }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fchown(fd, 0, gid) == 0, fchmod(fd, mode) == 0, fsync(fd) == 0 else {
            throw AgentError.system("cannot write \(path)", errno)
        }
    }
}

public struct SecretRequest: Codable, Sendable, Equatable {
    public var name: String

    public init(name: String) {
        self.name = name
    }
}

/// The `secrets` verb: keeps the secrets given (`keep`), then answers every secret in the
/// folders named.
public struct SecretsRequest: Codable, Sendable, Equatable {
    public var keep: [String: String]
    public var folders: [String]

    public init(keep: [String: String] = [:], folders: [String] = []) {
        self.keep = keep
        self.folders = folders
    }
}

public struct SecretAnswer: Codable, Sendable, Equatable {
    public var value: String
    /// Whether this call made it (the first time it was asked for).
    public var created: Bool

    public init(value: String, created: Bool) {
        self.value = value
        self.created = created
    }
}
