/// What the balancer gets on top of the base: HAProxy in front of every app server.
public enum BalancerRole {
    public static func plan(for node: NodeRecord, topology: Topology) -> NodePlan {
        NodePlan(
            packages: ["haproxy"],
            files: [
                PlannedFile(
                    HAProxyConfiguration.path, content: HAProxyConfiguration.render(topology),
                    check: ["haproxy", "-c", "-q", "-f", HAProxyConfiguration.path], then: [.reload(unit: "haproxy")])
            ],
            services: ["haproxy"])
    }
}
