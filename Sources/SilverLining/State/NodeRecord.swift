/// A node that a provider has made: what silver remembers about it between runs.
public struct NodeRecord: Hashable, Sendable, Codable {
    public var name: String
    public var role: Role
    /// The address silver and the other nodes reach it at; empty while a just-launched cloud
    /// server has none yet.
    public var address: String
    /// The provider's own id (an EC2 instance id; the node's directory for `local`).
    public var providerID: String
    /// The node's SSH host public keys (`ssh-ed25519 AAAA...`), pinned at create time.
    public var hostKeys: [String]
    /// Provider-specific facts worth keeping (e.g. the nspawn PID of a local node).
    public var details: [String: String]
    /// True from the moment a cloud server is launched until create-node has reached it over
    /// SSH: such a node exists (and bills) but is not ready for setup-node. nil otherwise.
    public var unfinished: Bool?

    public init(
        name: String, role: Role, address: String, providerID: String, hostKeys: [String] = [],
        details: [String: String] = [:], unfinished: Bool? = nil
    ) {
        self.name = name
        self.role = role
        self.address = address
        self.providerID = providerID
        self.hostKeys = hostKeys
        self.details = details
        self.unfinished = unfinished
    }

    public var isUnfinished: Bool { unfinished == true }
}

/// Whether a node is up, as its provider sees it.
public enum NodeState: String, Sendable, Codable, CustomStringConvertible {
    case running
    case stopped
    /// Recorded by silver but gone at the provider.
    case missing
    /// The provider says the server failed (Nova's ERROR): it exists but will not run.
    /// create-node replaces it; destroy-node removes it.
    case failed

    public var description: String { rawValue }
}
