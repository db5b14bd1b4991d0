import Foundation

/// An EC2 instance, as DescribeInstances and RunInstances report it.
public struct EC2Instance: Sendable, Hashable {
    public var id: String
    /// `pending`, `running`, `shutting-down`, `terminated`, `stopping` or `stopped`.
    public var state: String
    public var instanceType: String
    public var imageID: String
    public var publicAddress: String?
    public var privateAddress: String?
    public var keyName: String?
    public var securityGroupIDs: [String]
    public var availabilityZone: String?
    public var launchTime: String?
    /// Why the instance is in its state, when EC2 says (a launch that failed, ...).
    public var stateReason: String?
    public var tags: [String: String]

    public init?(_ item: XMLTree) {
        guard let id = item.string("instanceId") else { return nil }
        self.id = id
        state = item.string("instanceState", "name") ?? "unknown"
        instanceType = item.string("instanceType") ?? ""
        imageID = item.string("imageId") ?? ""
        publicAddress = item.string("ipAddress")
        privateAddress = item.string("privateIpAddress")
        keyName = item.string("keyName")
        securityGroupIDs = item.items("groupSet").compactMap { $0.string("groupId") }
        availabilityZone = item.string("placement", "availabilityZone")
        launchTime = item.string("launchTime")
        stateReason = item.string("stateReason", "message")
        tags = EC2Instance.tags(item)
    }

    static func tags(_ item: XMLTree) -> [String: String] {
        var tags: [String: String] = [:]
        for tag in item.items("tagSet") {
            if let key = tag.string("key") { tags[key] = tag.string("value") ?? "" }
        }
        return tags
    }

    /// The address silver reaches the node at: public if it has one, else private.
    public var address: String? { publicAddress ?? privateAddress }

    /// Gone for good, or on its way there.
    public var isGone: Bool { state == "terminated" || state == "shutting-down" }
}

/// One allowed source for one port range of a security group's ingress, in the shape EC2
/// stores it. Descriptions are left out so that a rule reads as the same whatever its note.
public struct IngressRule: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Source: Hashable, Sendable, Comparable {
        case ipv4(String)
        case ipv6(String)
        case group(String)
    }

    public var ipProtocol: String
    public var fromPort: Int
    public var toPort: Int
    public var source: Source

    public init(ipProtocol: String = "tcp", fromPort: Int, toPort: Int, source: Source) {
        self.ipProtocol = ipProtocol
        self.fromPort = fromPort
        self.toPort = toPort
        self.source = source
    }

    public init(port: Int, source: Source) {
        self.init(fromPort: port, toPort: port, source: source)
    }

    public static func < (lhs: IngressRule, rhs: IngressRule) -> Bool {
        (lhs.fromPort, lhs.toPort, lhs.ipProtocol) < (rhs.fromPort, rhs.toPort, rhs.ipProtocol)
            || ((lhs.fromPort, lhs.toPort, lhs.ipProtocol) == (rhs.fromPort, rhs.toPort, rhs.ipProtocol)
                && lhs.source < rhs.source)
    }

    public var description: String {
        let from: String
        switch source {
        case .ipv4(let cidr), .ipv6(let cidr): from = cidr
        case .group(let id): from = id
        }
        let ports = fromPort == toPort ? "\(fromPort)" : "\(fromPort)-\(toPort)"
        return "\(ipProtocol)/\(ports) from \(from)"
    }

    /// Flattens an `ipPermissions` list: one rule per port range and source, with the
    /// source's description ("" when none).
    static func rules(fromPermissions items: [XMLTree]) -> [(rule: IngressRule, description: String)] {
        items.flatMap { permission -> [(rule: IngressRule, description: String)] in
            let proto = permission.string("ipProtocol") ?? "-1"
            let from = permission.int("fromPort") ?? -1
            let to = permission.int("toPort") ?? -1
            func sources(_ list: String, _ field: String, _ make: (String) -> Source) -> [(Source, String)] {
                permission.items(list).compactMap { item in
                    item.string(field).map { (make($0), item.string("description") ?? "") }
                }
            }
            let all = sources("ipRanges", "cidrIp", Source.ipv4) + sources("ipv6Ranges", "cidrIpv6", Source.ipv6)
                + sources("groups", "groupId", Source.group)
            return all.map { (IngressRule(ipProtocol: proto, fromPort: from, toPort: to, source: $0.0), $0.1) }
        }
    }
}

public struct EC2SecurityGroup: Sendable, Hashable {
    public var id: String
    public var name: String
    public var vpcID: String?
    public var ingress: [IngressRule]
    /// Each rule's description, which some EC2 look-alikes need repeated to revoke it.
    public var descriptions: [IngressRule: String]
    public var tags: [String: String]

    public init?(_ item: XMLTree) {
        guard let id = item.string("groupId"), let name = item.string("groupName") else { return nil }
        self.id = id
        self.name = name
        vpcID = item.string("vpcId")
        let entries = IngressRule.rules(fromPermissions: item.items("ipPermissions"))
        ingress = entries.map(\.rule)
        descriptions = Dictionary(entries.map { ($0.rule, $0.description) }, uniquingKeysWith: { first, _ in first })
        tags = EC2Instance.tags(item)
    }
}

public struct EC2KeyPair: Sendable, Hashable {
    public var name: String
    public var fingerprint: String
    /// The public key as EC2 holds it, when asked for with `IncludePublicKey`.
    public var publicKey: String?

    public init?(_ item: XMLTree) {
        guard let name = item.string("keyName") else { return nil }
        self.name = name
        fingerprint = item.string("keyFingerprint") ?? ""
        publicKey = item.string("publicKey")
    }
}

/// A machine image (AMI).
public struct MachineImage: Sendable, Hashable {
    public var id: String
    public var name: String
    public var ownerID: String
    public var architecture: String
    /// ISO 8601, which sorts as text in time order.
    public var creationDate: String
    public var state: String

    public init(id: String, name: String, ownerID: String, architecture: String, creationDate: String, state: String) {
        self.id = id
        self.name = name
        self.ownerID = ownerID
        self.architecture = architecture
        self.creationDate = creationDate
        self.state = state
    }

    public init?(_ item: XMLTree) {
        guard let id = item.string("imageId") else { return nil }
        self.init(
            id: id, name: item.string("name") ?? "", ownerID: item.string("imageOwnerId") ?? "",
            architecture: item.string("architecture") ?? "x86_64", creationDate: item.string("creationDate") ?? "",
            state: item.string("imageState") ?? "available")
    }
}

/// An instance type: how much memory and how many vCPUs, and what it can run.
public struct InstanceTypeInfo: Sendable, Hashable {
    public var id: String
    public var memoryMiB: Int
    public var vCPUs: Int
    /// `x86_64`, `arm64`, ...
    public var architectures: [String]
    public var currentGeneration: Bool
    public var bareMetal: Bool

    public init(
        id: String, memoryMiB: Int, vCPUs: Int, architectures: [String], currentGeneration: Bool = true,
        bareMetal: Bool = false
    ) {
        self.id = id
        self.memoryMiB = memoryMiB
        self.vCPUs = vCPUs
        self.architectures = architectures
        self.currentGeneration = currentGeneration
        self.bareMetal = bareMetal
    }

    public init?(_ item: XMLTree) {
        guard let id = item.string("instanceType"), let memory = item.int("memoryInfo", "sizeInMiB") else { return nil }
        self.init(
            id: id, memoryMiB: memory, vCPUs: item.int("vCpuInfo", "defaultVCpus") ?? 0,
            architectures: item.items("processorInfo", "supportedArchitectures").map {
                $0.text.trimmingCharacters(in: .whitespacesAndNewlines)
            },
            currentGeneration: item.string("currentGeneration") == "true",
            bareMetal: item.string("bareMetal") == "true")
    }
}
