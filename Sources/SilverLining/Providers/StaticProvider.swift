/// `provider = static`: servers that already exist, listed by address in each role's
/// `hosts`. Creating one only checks that it answers on SSH and pins its host keys;
/// destroying one only forgets it.
public struct StaticProvider: Provider {
    public init() {}

    public func prepare(for nodes: [NodeSpec], context: ProviderContext) async throws {
        let unaddressed = nodes.filter { $0.staticAddress == nil }.map(\.name)
        guard unaddressed.isEmpty else { throw StaticProviderError.noAddress(unaddressed) }
    }

    public func ensure(_ spec: NodeSpec, existing: NodeRecord?, context: ProviderContext) async throws -> NodeRecord {
        guard let address = spec.staticAddress else { throw StaticProviderError.noAddress([spec.name]) }
        let node = NodeAddress(name: spec.name, address: address)
        guard await TCPProbe.waitUntilOpen(address: address, port: 22, deadline: .seconds(5)) else {
            throw RemoteError.unreachable(node: spec.name, address: address, reason: "nothing listens on port 22")
        }
        if let existing, existing.address == address, !existing.hostKeys.isEmpty {
            return existing
        }
        let keys = try await HostKeyScan.scan(node, runner: context.runner)
        context.console.say("pinned \(keys.count) host keys of \(address)", node: spec.name)
        return NodeRecord(name: spec.name, role: spec.role, address: address, providerID: address, hostKeys: keys)
    }

    public func state(of record: NodeRecord, context: ProviderContext) async throws -> NodeState {
        TCPProbe.isOpen(address: record.address, port: 22, timeout: .seconds(2)) ? .running : .stopped
    }

    public func destroy(_ record: NodeRecord, context: ProviderContext) async throws {
        await context.ssh.disconnect(record.reach)
        context.console.say("forgotten (a static server is not destroyed; it keeps running)", node: record.name)
    }

    public func release(context: ProviderContext) async throws {}
}

public enum StaticProviderError: UserFacingError {
    case noAddress([String])

    public var exitStatus: Int32 { ExitStatus.badInput }

    public var description: String {
        switch self {
        case .noAddress(let names):
            "provider = static needs an address for \(names.joined(separator: ", ")): list them in the role's `hosts` (ADDRESS or NAME=ADDRESS, one per node)"
        }
    }
}
