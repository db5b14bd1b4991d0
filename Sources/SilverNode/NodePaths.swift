/// Where silver keeps things on a node. Every path is under `root` so that tests can run
/// node-side code against a temporary directory.
public struct NodePaths: Sendable {
    public var root: String

    public init(root: String = "/") {
        self.root = root
    }

    public func path(_ absolute: String) -> String {
        root == "/" ? absolute : root + absolute
    }

    public var config: String { path("/etc/silverlining") }
    public var state: String { path("/var/lib/silverlining") }
    public var logs: String { path("/var/log/silverlining") }
    public var topology: String { path("/etc/silverlining/nodeset.conf") }
    public var etcHosts: String { path("/etc/hosts") }
    public var instances: String { path("/var/www") }
}
