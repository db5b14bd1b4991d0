/// What every node gets: silver's directories, the topology file, the nodeset's /etc/hosts
/// block and the firewall.
public enum BaseRole {
    public static let topologyPath = "/etc/silverlining/nodeset.conf"

    public static func plan(for node: NodeRecord, topology: Topology) -> NodePlan {
        NodePlan(
            packages: ["nftables", "curl", "rsync", "ca-certificates"],
            directories: [
                PlannedDirectory("/etc/silverlining"),
                PlannedDirectory("/var/lib/silverlining"),
                PlannedDirectory("/var/log/silverlining"),
            ],
            files: [
                PlannedFile(topologyPath, content: topology.file),
                PlannedFile(
                    NftablesRuleset.path, content: NftablesRuleset.render(for: node, topology: topology), mode: 0o755,
                    check: ["nft", "-c", "-f", NftablesRuleset.path], then: [.run(["nft", "-f", NftablesRuleset.path])]),
            ],
            hostsBlock: topology.hostsBlock,
            services: ["nftables"])
    }
}
