/// The whole setup plan for one node: the base layer, then its role's layer.
public enum RolePlans {
    /// - Parameter appSecret: the nodeset's secret, for app servers (`NodesetSecret`).
    public static func plan(for node: NodeRecord, topology: Topology, appSecret: String) -> NodePlan {
        let base = BaseRole.plan(for: node, topology: topology)
        switch node.role {
        case .appserver:
            return base.merged(with: AppserverRole.plan(for: node, topology: topology, appSecret: appSecret))
        case .balancer:
            return base.merged(with: BalancerRole.plan(for: node, topology: topology))
        case .service(let name):
            guard let kind = ServiceKind(rawValue: name) else { return base }
            let placement = ServicePlacement.onServiceNodes(kind: kind, nodes: topology.nodes(in: node.role), roles: topology.databaseRoles[name])
            return base.merged(with: ServiceCatalog.service(for: kind).serverPlan(on: node, placement: placement, topology: topology))
        }
    }
}
