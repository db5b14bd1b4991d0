import Foundation

/// A server as Nova describes it (`GET /servers/ID`, `/servers/detail`).
public struct NovaServer: Sendable, Decodable, Equatable {
    public struct Address: Sendable, Decodable, Equatable {
        public var addr: String
        public var version: Int
        public var type: String?

        enum CodingKeys: String, CodingKey {
            case addr, version
            case type = "OS-EXT-IPS:type"
        }
    }

    public struct Fault: Sendable, Decodable, Equatable {
        public var message: String?
        public var code: Int?
    }

    public var id: String
    public var name: String
    public var status: String
    public var metadata: [String: String]
    public var addresses: [String: [Address]]
    public var accessIPv4: String?
    public var flavorID: String?
    public var imageID: String?
    public var fault: Fault?
    public var created: String?

    enum CodingKeys: String, CodingKey {
        case id, name, status, metadata, addresses, accessIPv4, flavor, image, fault, created
    }

    private struct Reference: Decodable {
        var id: String
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        status = try container.decodeIfPresent(String.self, forKey: .status) ?? "UNKNOWN"
        metadata = (try? container.decodeIfPresent([String: String].self, forKey: .metadata)) ?? [:]
        addresses = (try? container.decodeIfPresent([String: [Address]].self, forKey: .addresses)) ?? [:]
        accessIPv4 = try? container.decodeIfPresent(String.self, forKey: .accessIPv4)
        // A server booted from a volume has `"image": ""` instead of a reference.
        flavorID = (try? container.decodeIfPresent(Reference.self, forKey: .flavor))?.id
        imageID = (try? container.decodeIfPresent(Reference.self, forKey: .image))?.id
        fault = try? container.decodeIfPresent(Fault.self, forKey: .fault)
        created = try? container.decodeIfPresent(String.self, forKey: .created)
    }

    /// The IPv4 address silver reaches the server at: the `public` network's (Rackspace),
    /// else `accessIPv4`, else a floating address, else any IPv4 address it has.
    public var address: String? {
        func v4(_ list: [Address]?) -> [Address] { (list ?? []).filter { $0.version == 4 } }
        if let first = v4(addresses["public"]).first { return first.addr }
        if let access = accessIPv4, !access.isEmpty { return access }
        let all = addresses.keys.sorted().flatMap { v4(addresses[$0]) }
        return (all.first { $0.type == "floating" } ?? all.first)?.addr
    }

    /// The `private` network's IPv4 address (Rackspace's ServiceNet), if any.
    public var privateAddress: String? {
        addresses["private"]?.first { $0.version == 4 }?.addr
    }

    /// ERROR: the server will not come up; it must be deleted (and, by create-node, replaced).
    public var isFailed: Bool { status == "ERROR" }
    public var isGone: Bool { ["DELETED", "SOFT_DELETED"].contains(status) }

    /// Nova's statuses as silver's: on its way up or busy counts as running (as EC2's
    /// pending does), switched off or parked as stopped.
    public var nodeState: NodeState {
        switch status {
        case "ERROR": .failed
        case "DELETED", "SOFT_DELETED": .missing
        case "SHUTOFF", "STOPPED", "SUSPENDED", "PAUSED", "SHELVED", "SHELVED_OFFLOADED", "UNKNOWN": .stopped
        default: .running
        }
    }

    /// What the cloud says went wrong, for messages.
    public var faultText: String? {
        guard let message = fault?.message, !message.isEmpty else { return nil }
        return message
    }
}

/// A flavor: the size of a server.
public struct NovaFlavor: Sendable, Decodable, Equatable {
    public var id: String
    public var name: String
    /// MiB.
    public var ram: Int
    public var vcpus: Int
    /// GB.
    public var disk: Int

    public init(id: String, name: String, ram: Int, vcpus: Int, disk: Int) {
        self.id = id
        self.name = name
        self.ram = ram
        self.vcpus = vcpus
        self.disk = disk
    }

    /// `2  512MB Standard Instance  512 MiB, 1 vCPU, 20 GB disk`, for lists in messages.
    public var summary: String {
        "id \(id): \(name), \(ram) MiB, \(vcpus) vCPU, \(disk) GB disk"
    }

    /// Smallest first: memory, then vCPUs, then disk, then id.
    static func smallerFirst(_ a: NovaFlavor, _ b: NovaFlavor) -> Bool {
        (a.ram, a.vcpus, a.disk, a.id) < (b.ram, b.vcpus, b.disk, b.id)
    }
}

/// An image servers can boot from.
public struct NovaImage: Sendable, Decodable, Equatable {
    public var id: String
    public var name: String
    public var status: String
    public var created: String
    /// The least memory (MiB) a server booting it needs.
    public var minRam: Int

    enum CodingKeys: String, CodingKey {
        case id, name, status, created, minRam
    }

    public init(id: String, name: String, status: String = "ACTIVE", created: String = "", minRam: Int = 0) {
        self.id = id
        self.name = name
        self.status = status
        self.created = created
        self.minRam = minRam
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        status = try container.decodeIfPresent(String.self, forKey: .status) ?? "ACTIVE"
        created = (try? container.decodeIfPresent(String.self, forKey: .created)) ?? ""
        minRam = (try? container.decodeIfPresent(Int.self, forKey: .minRam)) ?? 0
    }
}

/// A key pair Nova puts into new servers' authorized_keys.
public struct NovaKeyPair: Sendable, Decodable, Equatable {
    public var name: String
    public var publicKey: String

    enum CodingKeys: String, CodingKey {
        case name
        case publicKey = "public_key"
    }
}
