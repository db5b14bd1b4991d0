import Foundation
import SilverLining

/// Settings, nodesets and providers for the tests against mimic.
enum NovaTestSupport {
    static let fast = NovaProvider.Timing(
        pollInterval: .milliseconds(20), maxPollInterval: .milliseconds(100), launchTimeout: .seconds(20),
        deleteTimeout: .seconds(20), sshTimeout: .seconds(1))

    /// `provider = rackspace` signing in as `username` at the emulator. mimic's servers do
    /// not exist, so silver must never wait for their SSH (nor send them anything).
    static func settings(_ server: MimicServer, username: String, extra: [String: String] = [:]) -> ProviderSettings {
        ProviderSettings(
            kind: "rackspace", username: username, secret: Secret("api-key-\(username)"),
            settings: ["endpoint": server.identityURL, "ssh_wait": "false"].merging(extra) { $1 })
    }

    static func provider(_ settings: ProviderSettings) throws -> NovaProvider {
        try NovaProvider(settings: settings, retry: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10)), timing: fast)
    }

    /// `appservers` app servers sized `ram 256MB`, optionally a mysql node (`id 3`) and a
    /// balancer (default size).
    static func nodeset(
        _ name: String, appservers: Int, mysql: Bool = false, balancer: Bool = false, provider: ProviderSettings,
        appSize: NodeSize = .ram(megabytes: 256)
    ) -> Nodeset {
        var nodes = (1...appservers).map { NodeSpec(name: "app\($0).\(name).test", role: .appserver, index: $0, size: appSize) }
        if mysql { nodes.append(NodeSpec(name: "mysql1.\(name).test", role: .service("mysql"), index: 1, size: .id("3"))) }
        if balancer { nodes.append(NodeSpec(name: "balancer.\(name).test", role: .balancer, index: 1)) }
        return Nodeset(name: name, file: "\(name).conf", provider: provider, loadBalancer: balancer, nodes: nodes)
    }

    static func context(_ nodeset: Nodeset, store: NodesetStore? = nil) throws -> ProviderContext {
        try EC2TestSupport.context(nodeset, store: store)
    }
}
