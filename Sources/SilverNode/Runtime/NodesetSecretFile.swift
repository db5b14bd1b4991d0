import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// The nodeset's secret as an app server keeps it (`AppRuntime.secretPath`, root-owned,
/// readable by the apps' group only, no newline so that PHP's `SILVER_SECRET` and Python's
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
        let gid = try FileSystem.gid(AppRuntime.appUser)
        return NodesetSecretAnswer(value: try SecretStore.keep(at: path, name: "the nodeset's secret", mode: 0o640, gid: gid, newline: false).value)
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
