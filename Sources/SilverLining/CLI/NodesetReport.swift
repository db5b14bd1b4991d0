import Foundation

/// How `silver show` prints a nodeset: for people, or as JSON for scripts. Secrets print as
/// `********` (they are `Secret` values) and `secret_file` is never read here.
public enum NodesetReport {
    /// The note's topology lines, `appserver = app1.foobar.com 10.4.3.2`, with `-` for a
    /// node whose address is not known yet (before create-node).
    public static func topologyLines(_ nodeset: Nodeset, addresses: [String: String] = [:]) -> [String] {
        nodeset.nodes.map { "\($0.role.topologyKey) = \($0.name) \(address(of: $0, addresses))" }
    }

    public static func text(_ nodeset: Nodeset, addresses: [String: String] = [:]) -> String {
        let provider = nodeset.provider
        var settings: [(String, String)] = [
            ("file", nodeset.file),
            ("base_domain", nodeset.baseDomain ?? "-"),
            ("set_etc_hosts", String(nodeset.setEtcHosts)),
            ("provider", provider.kind + (provider.name.map { " (from [provider:\($0)])" } ?? "")),
        ]
        if let username = provider.username { settings.append(("username", username)) }
        if let secret = provider.secret { settings.append(("secret", secret.description)) }
        if let secretFile = provider.secretFile { settings.append(("secret_file", secretFile)) }
        settings += provider.settings.keys.sorted().map { ($0, provider.settings[$0] ?? "") }
        settings.append(("load_balancer", String(nodeset.loadBalancer)))
        if nodeset.loadBalancer { settings.append(("hostnames", nodeset.balancerHostnames.joined(separator: " "))) }

        var text = "nodeset \(nodeset.name)\n" + ReportFormatting.table(settings.map { [$0.0, $0.1] }, indent: "  ")
        text += "\nlocations\n"
        text += nodeset.locations.isEmpty ? "  (none)\n" : ReportFormatting.table(nodeset.locations.map { [$0.url, $0.appName] }, indent: "  ")
        let rows = nodeset.nodes.map { node in
            [node.name, node.role.topologyKey, node.size?.description ?? "-", address(of: node, addresses)]
        }
        text += "\nnodes\n" + ReportFormatting.table([["NAME", "ROLE", "SIZE", "ADDRESS"]] + rows, indent: "  ")
        text += "\ntopology\n" + topologyLines(nodeset, addresses: addresses).map { "  " + $0 + "\n" }.joined()
        return text
    }

    public static func json(_ nodeset: Nodeset, addresses: [String: String] = [:]) -> String {
        let report = JSONReport(
            name: nodeset.name, file: nodeset.file, baseDomain: nodeset.baseDomain, setEtcHosts: nodeset.setEtcHosts,
            provider: JSONProvider(nodeset.provider), loadBalancer: nodeset.loadBalancer,
            locations: nodeset.locations.map { JSONLocation(url: $0.url, appName: $0.appName) },
            balancerHostnames: nodeset.balancerHostnames,
            nodes: nodeset.nodes.map { node in
                JSONNode(name: node.name, role: node.role.topologyKey, index: node.index, size: node.size?.description,
                    address: addresses[node.name] ?? node.staticAddress, staticAddress: node.staticAddress, image: node.image)
            },
            topology: topologyLines(nodeset, addresses: addresses), warnings: nodeset.warnings)
        return ReportFormatting.json(report)
    }

    /// The addresses silver recorded when it made the nodes, or none when it has made none
    /// yet (then nothing is created on disk: `show` only reads).
    public static func recordedAddresses(of nodeset: Nodeset, home: SilverHome) async throws -> [String: String] {
        let directory = home.nodesetDirectory(nodeset.name)
        guard FileManager.default.fileExists(atPath: directory + "/state.json") else { return [:] }
        let records = try await NodesetStore(directory: directory).all()
        return Dictionary(records.map { ($0.name, $0.address) }, uniquingKeysWith: { _, last in last })
    }

    private static func address(of node: NodeSpec, _ addresses: [String: String]) -> String {
        addresses[node.name] ?? node.staticAddress ?? "-"
    }

    private struct JSONReport: Encodable {
        var name: String
        var file: String
        var baseDomain: String?
        var setEtcHosts: Bool
        var provider: JSONProvider
        var loadBalancer: Bool
        var locations: [JSONLocation]
        var balancerHostnames: [String]
        var nodes: [JSONNode]
        var topology: [String]
        var warnings: [String]

        enum CodingKeys: String, CodingKey {
            case name, file, provider, locations, nodes, topology, warnings
            case baseDomain = "base_domain", setEtcHosts = "set_etc_hosts", loadBalancer = "load_balancer"
            case balancerHostnames = "balancer_hostnames"
        }
    }

    /// The provider's settings in the file's own words; `secret` encodes as its mask.
    private struct JSONProvider: Encodable {
        var kind: String
        var name: String?
        var username: String?
        var secret: Secret?
        var secretFile: String?
        var settings: [String: String]

        init(_ provider: ProviderSettings) {
            kind = provider.kind
            name = provider.name
            username = provider.username
            secret = provider.secret
            secretFile = provider.secretFile
            settings = provider.settings
        }

        enum CodingKeys: String, CodingKey {
            case kind, name, username, secret, settings
            case secretFile = "secret_file"
        }
    }

    private struct JSONLocation: Encodable {
        var url: String
        var appName: String

        enum CodingKeys: String, CodingKey {
            case url
            case appName = "app_name"
        }
    }

    private struct JSONNode: Encodable {
        var name: String
        var role: String
        var index: Int
        var size: String?
        var address: String?
        var staticAddress: String?
        var image: String?

        enum CodingKeys: String, CodingKey {
            case name, role, index, size, address, image
            case staticAddress = "static_address"
        }
    }
}
