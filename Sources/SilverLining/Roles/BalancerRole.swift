/// What the balancer gets on top of the base: HAProxy in front of every app server.
public enum BalancerRole {
    public static func plan(for node: NodeRecord, topology: Topology) -> NodePlan {
        NodePlan(
            packages: ["haproxy"],
            files: [
                PlannedFile(
                    HAProxyConfiguration.path, content: HAProxyConfiguration.render(topology),
                    check: ["haproxy", "-c", "-q", "-f", HAProxyConfiguration.path],
                    // The servers' states are saved first and read back by the new process, so a
                    // server that was down or drained for an app is not taken for up meanwhile.
                    then: [.run([NodeLayout.agent, "balancer-save-state"]), .reload(unit: "haproxy")])
            ],
            services: ["haproxy"])
    }
}
