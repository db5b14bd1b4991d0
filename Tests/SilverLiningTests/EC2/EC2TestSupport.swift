import Foundation
import SilverLining

/// Nodesets, contexts and a create-node stand-in for the EC2 tests.
enum EC2TestSupport {
    /// Ed25519 public keys made from fixed seeds: tests need keys, not secrecy.
    static let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHm1Vi6P5lT5QHixEuipi6eQH4U65pW+1+DjkQutBJZk silver-test"
    static let otherKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEPNwCPSLV+eEH0aBpNFfTXR0Q630hxyEZL1b13kBmXT someone-else"

    static let newestDebian = "ami-0de12a0000000002"
    static let olderDebian = "ami-0de12a0000000001"
    static let debianArm = "ami-0de12a0000000003"

    static let fast = EC2Provider.Timing(
        pollInterval: .milliseconds(50), maxPollInterval: .milliseconds(200), launchTimeout: .seconds(60),
        terminateTimeout: .seconds(60), releaseTimeout: .seconds(30))

    static func settings(_ server: MotoServer, secret: String? = nil, extra: [String: String] = [:]) -> ProviderSettings {
        let base = ["region": "us-east-1", "endpoint": server.endpoint, "image": "id \(newestDebian)"]
        return ProviderSettings(
            kind: "ec2", username: server.accessKeyID, secret: Secret(secret ?? server.secretAccessKey),
            settings: base.merging(extra) { $1 })
    }

    static func provider(_ settings: ProviderSettings) throws -> EC2Provider {
        try EC2Provider(settings: settings, environment: [:], timing: fast)
    }

    /// `appservers` app servers sized `ram 512MB`, optionally a mysql node (`id t3.small`)
    /// and a balancer (default size).
    static func nodeset(
        _ name: String, appservers: Int, mysql: Bool = true, balancer: Bool = true, provider: ProviderSettings
    ) -> Nodeset {
        var nodes = (0..<appservers).map { offset in
            NodeSpec(name: "app\(offset + 1).\(name).test", role: .appserver, index: offset + 1, size: .ram(megabytes: 512))
        }
        if mysql {
            nodes.append(NodeSpec(name: "mysql1.\(name).test", role: .service("mysql"), index: 1, size: .id("t3.small")))
        }
        if balancer {
            nodes.append(NodeSpec(name: "balancer.\(name).test", role: .balancer, index: 1))
        }
        return Nodeset(name: name, file: "\(name).conf", provider: provider, loadBalancer: balancer, nodes: nodes)
    }

    static func context(_ nodeset: Nodeset, key: String = key, store: NodesetStore? = nil) throws -> ProviderContext {
        let store = try store ?? NodesetStore(directory: NSTemporaryDirectory() + "silver-ec2-" + UUID().uuidString)
        try (key + "\n").write(toFile: store.publicKeyPath, atomically: true, encoding: .utf8)
        return ProviderContext(
            nodeset: nodeset, store: store, ssh: SSH(privateKey: store.privateKeyPath, knownHosts: store.knownHostsPath),
            console: .silent)
    }

    /// What the create-node command does with a provider below the SSH step: prepare once,
    /// then ensure every node in parallel, recording each.
    static func createNodes(_ provider: any Provider, _ context: ProviderContext) async throws -> [NodeRecord] {
        try await provider.prepare(for: context.nodeset.nodes, context: context)
        let store = context.store
        return try await forEachOrThrow(context.nodeset.nodes, parallel: 16, name: { $0.name }) { spec in
            let record = try await provider.ensure(spec, existing: await store.record(named: spec.name), context: context)
            try await store.save(record)
            return record
        }
    }

    static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: Bundle.module.resourceURL!.appendingPathComponent("Fixtures/ec2/\(name)"))
    }
}
