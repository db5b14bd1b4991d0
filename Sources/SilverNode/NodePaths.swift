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

    public var etcHosts: String { path("/etc/hosts") }
}
