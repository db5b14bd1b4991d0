import Foundation

/// The `silver-node` program that silver uploads to every node. It must be linked with the
/// Swift runtime inside (`--static-swift-stdlib`), since nodes have no Swift installed.
public enum AgentBinary {
    /// Where it is installed on nodes.
    public static let remotePath = NodeLayout.agent

    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        if let explicit = environment["SILVER_NODE_BINARY"], !explicit.isEmpty {
            guard isSelfContained(explicit) else { throw AgentBinaryError.notSelfContained(explicit) }
            return explicit
        }
        var candidates: [String] = []
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = (executable as NSString).deletingLastPathComponent
        candidates.append(directory + "/silver-node")
        // scripts/install's layout under any prefix: PREFIX/bin/silver, PREFIX/lib/silverlining/silver-node.
        candidates.append((directory as NSString).deletingLastPathComponent + "/lib/silverlining/silver-node")
        // A development checkout: the static build lives in .build-node beside .build.
        while directory != "/" && !directory.isEmpty {
            candidates += ["release", "debug"].map { "\(directory)/.build-node/\($0)/silver-node" }
            directory = (directory as NSString).deletingLastPathComponent
        }
        candidates.append("/usr/local/lib/silverlining/silver-node")
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) && isSelfContained($0) }) {
            return found
        }
        throw AgentBinaryError.notFound
    }

    /// Whether the file needs no Swift runtime libraries from the machine it runs on: none of
    /// the libraries its ELF dynamic section names is Swift's. Reading that section, not the
    /// whole 16 MB file, keeps this off every command's start-up time.
    static func isSelfContained(_ path: String) -> Bool {
        guard let needed = ELFFile(path: path)?.neededLibraries() else { return false }
        return !needed.contains { $0.hasPrefix("libswiftCore") }
    }

    /// The build a node must run; sent with every call so that an outdated agent refuses.
    public static func build(of path: String) throws -> AgentBuild {
        guard let build = AgentBuild.of(path) else { throw AgentBinaryError.notFound }
        return build
    }
}

public enum AgentBinaryError: UserFacingError {
    case notFound
    case notSelfContained(String)

    public var exitStatus: Int32 { ExitStatus.failure }

    public var description: String {
        switch self {
        case .notFound:
            "cannot find silver-node, the program silver installs on nodes. Build it with `scripts/build` (swift build -c release --static-swift-stdlib --product silver-node --scratch-path .build-node) or set SILVER_NODE_BINARY."
        case .notSelfContained(let path):
            "\(path) needs the Swift runtime, which nodes do not have; build it with --static-swift-stdlib"
        }
    }
}
