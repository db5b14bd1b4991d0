import Foundation

/// `provider = local`: nodes are systemd-nspawn containers on the machine running silver,
/// each with its own address on a bridge owned by the nodeset, its own host keys, systemd
/// as PID 1 and apt through a cache on the bridge.
public struct LocalProvider: Provider {
    public var host: LocalHost
    var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        host = LocalHost(environment: environment)
    }

    private enum Fact {
        static let bridge = "local.bridge"
        static let subnet = "local.subnet"
        static let mirror = "local.mirror"
        static func address(_ node: String) -> String { "local.address." + node }
    }

    public func prepare(for nodes: [NodeSpec], context: ProviderContext) async throws {
        try host.checkPrerequisites()
        try await host.ensureNspawnRuntimeDirectory()
        if let warning = host.raiseInotifyInstances() { context.console.warn(warning) }
        let mirror = try DebianMirror.find(environment: environment)
        let image = BaseImage(recipe: BaseImageRecipe(mirror: mirror), host: host)
        try await image.ensureBuilt(console: context.console)
        let bridge = try await FileLock.withLock(host.locksDirectory + "/network.lock") {
            let bridge = try await self.bridge(context: context, creating: true)!
            try await bridge.ensureUp()
            return bridge
        }
        try await AptCache(host: host, nodeset: context.nodeset.name, bridge: bridge, mirror: mirror).ensureRunning()
        try await context.store.setProviderFacts([Fact.mirror: mirror])
        try await assignAddresses(nodes, subnet: bridge.subnet, store: context.store)
    }

    /// The nodeset's bridge as recorded, choosing a free subnet the first time.
    private func bridge(context: ProviderContext, creating: Bool) async throws -> Bridge? {
        if let name = await context.store.providerFact(Fact.bridge), let prefix = await context.store.providerFact(Fact.subnet) {
            return Bridge(name: name, subnet: Subnet(prefix: prefix), runner: host.runner)
        }
        guard creating else { return nil }
        let subnet = try await Bridge.chooseSubnet(nodeset: context.nodeset.name, runner: host.runner)
        let bridge = Bridge(name: Bridge.name(forNodeset: context.nodeset.name), subnet: subnet, runner: host.runner)
        try await context.store.setProviderFacts([Fact.bridge: bridge.name, Fact.subnet: subnet.prefix])
        return bridge
    }

    /// Gives every node without one the lowest free address, before nodes are made in
    /// parallel, so that parallel creation never hands one address out twice.
    private func assignAddresses(_ nodes: [NodeSpec], subnet: Subnet, store: NodesetStore) async throws {
        var used = Set(await store.all().map(\.address))
        var facts: [String: String?] = [:]
        for node in nodes {
            if let recorded = await store.record(named: node.name)?.address {
                used.insert(recorded)
                continue
            }
            if let assigned = await store.providerFact(Fact.address(node.name)) {
                used.insert(assigned)
            }
        }
        for node in nodes {
            let recorded = await store.record(named: node.name)
            let assigned = await store.providerFact(Fact.address(node.name))
            guard recorded == nil, assigned == nil else { continue }
            guard let free = Subnet.hostNumbers.lazy.map(subnet.address(host:)).first(where: { !used.contains($0) }) else {
                throw LocalProviderError.noFreeSubnet
            }
            used.insert(free)
            facts[Fact.address(node.name)] = free
        }
        if !facts.isEmpty { try await store.setProviderFacts(facts) }
    }

    public func ensure(_ spec: NodeSpec, existing: NodeRecord?, context: ProviderContext) async throws -> NodeRecord {
        let nodeset = context.nodeset.name
        guard let bridge = try await bridge(context: context, creating: false),
            let mirror = await context.store.providerFact(Fact.mirror)
        else { throw LocalProviderError.creationFailed(node: spec.name, reason: "the nodeset's network is not prepared") }
        let recordedAddress = await context.store.providerFact(Fact.address(spec.name))
        guard let address = existing?.address ?? recordedAddress else {
            throw LocalProviderError.creationFailed(node: spec.name, reason: "no address was assigned")
        }
        let node = LocalNode(spec: spec, nodeset: nodeset, address: address, host: host)
        let image = BaseImage(recipe: BaseImageRecipe(mirror: mirror), host: host)
        let clock = ContinuousClock()
        let started = clock.now
        if node.exists, node.pid() != nil {
            context.console.detail("running", node: spec.name)
        } else if node.exists {
            try await node.boot(image: image, bridge: bridge)
            context.console.say("started again (\(address)) in \(seconds(started.duration(to: clock.now)))", node: spec.name)
        } else {
            do {
                let cache = AptCache(host: host, nodeset: nodeset, bridge: bridge, mirror: mirror)
                try await node.writeIdentity(bridge: bridge, aptProxy: cache.proxyURL, publicKey: context.publicKey())
                try await node.boot(image: image, bridge: bridge)
            } catch {
                // A node that did not come up is removed, so no half-made node is ever recorded.
                await node.stop()
                try? node.remove()
                throw error
            }
            context.console.say("created (\(address)) in \(seconds(started.duration(to: clock.now)))", node: spec.name)
        }
        return NodeRecord(
            name: spec.name, role: spec.role, address: address, providerID: node.directory, hostKeys: node.hostKeys(),
            details: ["machine": node.machineName])
    }

    public func state(of record: NodeRecord, context: ProviderContext) async throws -> NodeState {
        let node = localNode(record, nodeset: context.nodeset.name)
        if node.pid() != nil { return .running }
        return node.exists ? .stopped : .missing
    }

    public func destroy(_ record: NodeRecord, context: ProviderContext) async throws {
        let node = localNode(record, nodeset: context.nodeset.name)
        await context.ssh.disconnect(record.reach)
        await node.stop()
        if node.pid() != nil {
            throw LocalProviderError.creationFailed(node: record.name, reason: "its container did not stop; it is still recorded")
        }
        try node.remove()
        try await context.store.setProviderFacts([Fact.address(record.name): nil])
    }

    /// Powers a node off without forgetting it; `create-node` starts it again.
    public func stop(_ record: NodeRecord, context: ProviderContext) async throws {
        let node = localNode(record, nodeset: context.nodeset.name)
        await context.ssh.disconnect(record.reach)
        await node.stop()
        if node.pid() != nil {
            throw LocalProviderError.creationFailed(node: record.name, reason: "its container did not stop")
        }
    }

    public func release(context: ProviderContext) async throws {
        if let bridge = try await bridge(context: context, creating: false) {
            let mirror = await context.store.providerFact(Fact.mirror) ?? ""
            await AptCache(host: host, nodeset: context.nodeset.name, bridge: bridge, mirror: mirror).stop()
            try await bridge.remove()
        }
        let directory = host.nodesetDirectory(context.nodeset.name)
        if FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.removeItem(atPath: directory)
        }
        try await context.store.setProviderFacts([Fact.bridge: nil, Fact.subnet: nil, Fact.mirror: nil])
    }

    /// Read from the node's own layer on this machine, which no one between here and the
    /// node can forge, rather than asked over the network.
    public func currentHostKeys(of record: NodeRecord, context: ProviderContext) async throws -> [String] {
        let node = localNode(record, nodeset: context.nodeset.name)
        let keys = node.hostKeys()
        guard !keys.isEmpty else { throw LocalProviderError.missingNode(node: record.name, directory: node.directory) }
        return keys
    }

    private func localNode(_ record: NodeRecord, nodeset: String) -> LocalNode {
        LocalNode(
            spec: NodeSpec(name: record.name, role: record.role, index: 0), nodeset: nodeset, address: record.address,
            host: host)
    }
}

func seconds(_ duration: Duration) -> String {
    let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    return String(format: "%.1f s", value)
}
