/// How big a node should be: a provider's own size id (`size = id 1`) or a minimum amount
/// of memory (`size = ram 256MB`), from which the provider picks its smallest fitting size.
public enum NodeSize: Hashable, Sendable {
    case id(String)
    case ram(megabytes: Int)
}

extension NodeSize: CustomStringConvertible {
    public var description: String {
        switch self {
        case .id(let id): "id \(id)"
        case .ram(let mb): mb % 1024 == 0 ? "ram \(mb / 1024)GB" : "ram \(mb)MB"
        }
    }
}

extension NodeSize: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        if parts.count == 2, parts[0] == "id" {
            self = .id(parts[1])
        } else if parts.count == 2, parts[0] == "ram", let mb = Int(parts[1].dropLast(2)), parts[1].hasSuffix("MB") {
            self = .ram(megabytes: mb)
        } else if parts.count == 2, parts[0] == "ram", let gb = Int(parts[1].dropLast(2)), parts[1].hasSuffix("GB") {
            self = .ram(megabytes: gb * 1024)
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad size \(text)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
