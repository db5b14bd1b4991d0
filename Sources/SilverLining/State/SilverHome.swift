import Foundation

/// Where silver keeps its own files on the machine it runs on: `$SILVER_HOME`, or
/// `~/.silverlining`. Each nodeset gets a directory holding its state, its SSH key pair and
/// the known_hosts file that pins its nodes' host keys.
public struct SilverHome: Sendable {
    public var path: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let explicit = environment["SILVER_HOME"], !explicit.isEmpty {
            path = explicit
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            path = home + "/.silverlining"
        }
    }

    public init(path: String) {
        self.path = path
    }

    public func nodesetDirectory(_ nodesetName: String) -> String {
        path + "/nodesets/" + nodesetName
    }
}
