/// What a node is for. The note's three kinds of server.
public enum Role: Hashable, Sendable, Comparable {
    case appserver
    case service(String)
    case balancer

    /// The word used on topology lines: `appserver`, `service.mysql`, `balancer`.
    public var topologyKey: String {
        switch self {
        case .appserver: "appserver"
        case .service(let name): "service.\(name)"
        case .balancer: "balancer"
        }
    }

    /// The nodeset section that describes this role: `appserver`, `service:mysql`, `balancer`.
    public var sectionName: String {
        switch self {
        case .appserver: "appserver"
        case .service(let name): "service:\(name)"
        case .balancer: "balancer"
        }
    }

    /// The prefix of node names built from `base_domain` (`app1.foobar.com`, `mysql1.foobar.com`).
    public var namePrefix: String {
        switch self {
        case .appserver: "app"
        case .service(let name): name
        case .balancer: "balancer"
        }
    }

    public var serviceName: String? {
        if case .service(let name) = self { return name }
        return nil
    }

    public init?(topologyKey: String) {
        switch topologyKey {
        case "appserver": self = .appserver
        case "balancer": self = .balancer
        default:
            guard topologyKey.hasPrefix("service."), topologyKey.count > "service.".count else { return nil }
            self = .service(String(topologyKey.dropFirst("service.".count)))
        }
    }

    private var order: Int {
        switch self {
        case .appserver: 0
        case .service: 1
        case .balancer: 2
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        if lhs.order != rhs.order { return lhs.order < rhs.order }
        return (lhs.serviceName ?? "") < (rhs.serviceName ?? "")
    }
}

extension Role: CustomStringConvertible {
    public var description: String { topologyKey }
}

extension Role: Codable {
    public init(from decoder: any Decoder) throws {
        let key = try decoder.singleValueContainer().decode(String.self)
        guard let role = Role(topologyKey: key) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown role \(key)"))
        }
        self = role
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(topologyKey)
    }
}
