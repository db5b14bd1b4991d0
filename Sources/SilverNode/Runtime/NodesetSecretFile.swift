import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// The nodeset's secret as an app server keeps it (`AppRuntime.secretPath`, root-owned,
/// readable by the apps' shared group only, no newline so that PHP's `SILVER_SECRET` and Python's
/// `get_secret()` read the same string). setup-node reads it from every app server, makes it
/// on the first when none has it, and writes that one value to all of them.
public struct NodesetSecretFile: Sendable {
    public var paths: NodePaths

    public init(paths: NodePaths = NodePaths()) {
        self.paths = paths
    }

    public var path: String { paths.path(AppRuntime.secretPath) }

    public func handle(_ request: NodesetSecretRequest) throws -> NodesetSecretAnswer {
        guard request.create else { return NodesetSecretAnswer(value: try SecretStore.read(path)) }
        try FileManager.default.createDirectory(atPath: FileSystem.parent(of: path), withIntermediateDirectories: true)
        // The apps' group, once setup-node has made it; until then root's, and the plan that
        // writes the secret to every app server gives it to the group.
        let gid = (try? FileSystem.gid(AppAccount.sharedGroup)) ?? 0
        return NodesetSecretAnswer(value: try SecretStore.keep(at: path, name: "the nodeset's secret", mode: 0o640, gid: gid, newline: false).value)
    }

    /// Makes the secret, where there is one, readable by every app (and nothing else);
    /// says whether it was not yet.
    func shareWithApps() throws -> Bool {
        let gid = try FileSystem.gid(AppAccount.sharedGroup)
        guard let status = FileSystem.status(path), !status.isSymbolicLink, status.uid != 0 || status.gid != gid || status.mode != 0o640 else {
            return false
        }
        try FileSystem.setOwnerAndMode(path, mode: 0o640, uid: 0, gid: gid)
        return true
    }
}

public struct NodesetSecretRequest: Codable, Sendable, Equatable {
    /// Make the secret here when this node has none (else only read it).
    public var create: Bool

    public init(create: Bool) {
        self.create = create
    }
}

public struct NodesetSecretAnswer: Codable, Sendable, Equatable {
    /// Nil when the node has none (and was not asked to make one).
    public var value: String?

    public init(value: String?) {
        self.value = value
    }
}
