import Crypto
import Foundation

/// A private IPv4 /24, written `10.213.7` for `10.213.7.0/24`.
public struct Subnet: Hashable, Sendable, CustomStringConvertible {
    public var prefix: String

    public init(prefix: String) {
        self.prefix = prefix
    }

    public var description: String { prefix + ".0/24" }
    /// The bridge's own address: what nodes reach this machine at.
    public var gateway: String { prefix + ".1" }

    public func address(host: Int) -> String { prefix + ".\(host)" }

    /// Node addresses: .2 to .254.
    public static let hostNumbers = 2...254

    var range: ClosedRange<UInt32> {
        let base = IPv4.parse(prefix + ".0")!
        return base...(base + 255)
    }
}

enum IPv4 {
    static func parse(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".")
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard let byte = UInt8(part) else { return nil }
            value = value << 8 | UInt32(byte)
        }
        return value
    }

    /// `10.1.0.0/16` → its range of addresses; a bare address is a /32.
    static func range(cidr: String) -> ClosedRange<UInt32>? {
        let parts = cidr.split(separator: "/")
        guard let base = parse(String(parts[0])) else { return nil }
        let bits = parts.count > 1 ? Int(parts[1]) ?? 32 : 32
        guard (0...32).contains(bits) else { return nil }
        let mask: UInt32 = bits == 0 ? 0 : ~UInt32(0) << (32 - bits)
        return (base & mask)...((base & mask) | ~mask)
    }
}

/// The Linux bridge a local nodeset's nodes are plugged into. Each nodeset has its own, named
/// after the nodeset, with a /24 chosen to overlap none of this machine's networks.
public struct Bridge: Sendable {
    public var name: String
    public var subnet: Subnet
    var runner: CommandRunner

    public init(name: String, subnet: Subnet, runner: CommandRunner = CommandRunner()) {
        self.name = name
        self.subnet = subnet
        self.runner = runner
    }

    /// `slv` and eight hex digits: interface names are limited to 15 characters.
    public static func name(forNodeset nodeset: String) -> String {
        "slv" + SHA256.hash(data: Data(nodeset.utf8)).prefix(4).map { String(format: "%02x", $0) }.joined()
    }

    /// Picks a /24 in 10.0.0.0/8 that overlaps no address or route of this machine, starting
    /// from a place derived from the nodeset's name so that nodesets rarely race for one.
    public static func chooseSubnet(nodeset: String, runner: CommandRunner) async throws -> Subnet {
        let taken = try await networksInUse(runner: runner)
        let seed = SHA256.hash(data: Data(nodeset.utf8)).prefix(2).reduce(0) { $0 << 8 | Int($1) }
        for offset in 0..<(200 * 256) {
            let n = (seed + offset) % (200 * 256)
            let candidate = Subnet(prefix: "10.\(50 + n / 256).\(n % 256)")
            if !taken.contains(where: { $0.overlaps(candidate.range) }) { return candidate }
        }
        throw LocalProviderError.noFreeSubnet
    }

    static func networksInUse(runner: CommandRunner) async throws -> [ClosedRange<UInt32>] {
        let addresses = try await runner.check(Command("ip", ["-o", "-4", "addr", "show"], step: "list addresses")).text
        let routes = try await runner.check(Command("ip", ["-4", "route", "show", "table", "all"], step: "list routes")).text
        var ranges: [ClosedRange<UInt32>] = []
        for line in addresses.split(separator: "\n") {
            let words = line.split(separator: " ")
            if let inet = words.firstIndex(of: "inet"), inet + 1 < words.count, let range = IPv4.range(cidr: String(words[inet + 1])) {
                ranges.append(range)
            }
        }
        for line in routes.split(separator: "\n") {
            var words = line.split(separator: " ")
            if words.first == "local" || words.first == "broadcast" || words.first == "unreachable" { words.removeFirst() }
            guard let first = words.first, first != "default", let range = IPv4.range(cidr: String(first)) else { continue }
            ranges.append(range)
        }
        return ranges
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: "/sys/class/net/\(name)") }

    /// Creates the bridge with its gateway address, or leaves it as it is.
    public func ensureUp() async throws {
        if !exists {
            try await runner.check(Command("ip", ["link", "add", name, "type", "bridge"], step: "create bridge \(name)"))
        }
        let shown = try await runner.check(Command("ip", ["-o", "-4", "addr", "show", "dev", name], step: "show bridge")).text
        if !shown.contains(" \(subnet.gateway)/24 ") {
            try await runner.check(Command("ip", ["addr", "add", subnet.gateway + "/24", "dev", name], step: "address bridge \(name)"))
        }
        try await runner.check(Command("ip", ["link", "set", name, "up"], step: "bring up bridge \(name)"))
    }

    public func remove() async throws {
        guard exists else { return }
        try await runner.check(Command("ip", ["link", "del", name], step: "remove bridge \(name)"))
    }
}
