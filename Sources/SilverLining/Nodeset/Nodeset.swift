/// A set of servers described by one `NAME.conf` file, fully resolved: every node it asks
/// for is named, sized and given its role.
public struct Nodeset: Sendable {
    /// `[general] name`, or the file's base name without `.conf`.
    public var name: String
    /// The path of the file this was read from.
    public var file: String
    public var baseDomain: String?
    /// Whether the machine running silver keeps the nodeset's `/etc/hosts` block too.
    public var setEtcHosts: Bool
    public var provider: ProviderSettings
    /// The appserver's `locations`, in file order.
    public var locations: [Location]
    /// Whether app servers sit behind a balancer (given, or decided as the note says).
    public var loadBalancer: Bool
    /// The balancer's `hostnames`, in file order.
    public var balancerHostnames: [String]
    /// Every node, in role order (appservers, services by name, balancer) then by index.
    public var nodes: [NodeSpec]
    /// Things worth telling the user that are not errors (a key given twice, ...).
    public var warnings: [String]

    public init(
        name: String, file: String, baseDomain: String? = nil, setEtcHosts: Bool = true,
        provider: ProviderSettings = ProviderSettings(), locations: [Location] = [],
        loadBalancer: Bool = false, balancerHostnames: [String] = [], nodes: [NodeSpec] = [],
        warnings: [String] = []
    ) {
        self.name = name
        self.file = file
        self.baseDomain = baseDomain
        self.setEtcHosts = setEtcHosts
        self.provider = provider
        self.locations = locations
        self.loadBalancer = loadBalancer
        self.balancerHostnames = balancerHostnames
        self.nodes = nodes
        self.warnings = warnings
    }

    public func nodes(in role: Role) -> [NodeSpec] {
        nodes.filter { $0.role == role }
    }

    public var appservers: [NodeSpec] { nodes(in: .appserver) }

    public var balancer: NodeSpec? { nodes(in: .balancer).first }

    /// Names of the `[service:NAME]` sections, sorted.
    public var serviceNames: [String] {
        Array(Set(nodes.compactMap(\.role.serviceName))).sorted()
    }

    public func node(named name: String) -> NodeSpec? {
        nodes.first { $0.name == name }
    }
}
