import Foundation

extension NodesetSession {
    /// Opens the nodeset a command names: reads the file, reports its warnings, checks its
    /// provider is one silver supports and makes that provider.
    public static func open(
        file: String, console: Console = Console(), parallel: Int = NodesetSession.defaultParallel,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> NodesetSession {
        let nodeset = try NodesetLoader.load(path: file, environment: environment)
        for warning in nodeset.warnings { console.diagnostic(warning) }
        try nodeset.validateProvider()
        let provider = try ProviderRegistry.provider(for: nodeset.provider, environment: environment)
        return try NodesetSession(
            nodeset: nodeset, provider: provider, home: SilverHome(environment: environment), console: console, parallel: parallel)
    }
}

extension Nodeset {
    /// The nodeset behind `silver create-node HOSTNAME`: one app server of that name on the
    /// local provider, as single-server Silver Lining made one server.
    public static func singleNode(host: String) -> Nodeset {
        Nodeset(
            name: host.replacingOccurrences(of: ".", with: "-"), file: host, baseDomain: nil,
            nodes: [NodeSpec(name: host, role: .appserver, index: 1)])
    }
}
