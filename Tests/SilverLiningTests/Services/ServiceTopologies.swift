@testable import SilverLining

/// Topologies for service tests: recorded nodes with addresses, no provider needed.
enum ServiceTopologies {
    static func make(appservers: Int, services: [String: Int] = [:], balancer: Bool = false) -> Topology {
        var specs = (1...max(appservers, 1)).prefix(appservers).map { NodeSpec(name: "app\($0).example.com", role: .appserver, index: $0) }
        for (service, count) in services.sorted(by: { $0.key < $1.key }) {
            specs += (1...count).map { NodeSpec(name: "\(service)\($0).example.com", role: .service(service), index: $0) }
        }
        if balancer { specs.append(NodeSpec(name: "balancer.example.com", role: .balancer, index: 1)) }
        let records = specs.enumerated().map { index, spec in
            NodeRecord(name: spec.name, role: spec.role, address: "10.4.3.\(index + 2)", providerID: spec.name)
        }
        let nodeset = Nodeset(name: "example", file: "example.conf", baseDomain: "example.com", nodes: specs)
        return Topology(nodeset: nodeset, records: records)
    }
}
