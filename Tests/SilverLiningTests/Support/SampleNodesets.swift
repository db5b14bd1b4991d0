@testable import SilverLining

/// The note's kind of nodeset, already resolved and created: two app servers, a MySQL and a
/// PostgreSQL node and a balancer, on 10.0.0.0/24.
enum SampleNodesets {
    static let foobarLocations = [
        Location(url: "http://foobar.com/", appName: "blog"),
        Location(url: "http://foobar.com/wiki/", appName: "wiki"),
        Location(url: "http://www.foobar.com/", appName: "blog"),
    ]

    static var foobar: Nodeset {
        Nodeset(
            name: "foobar", file: "/nodesets/foobar.conf", baseDomain: "foobar.com", locations: foobarLocations,
            loadBalancer: true, balancerHostnames: ["foobar.com", "www.foobar.com", "static.foobar.com"],
            nodes: [
                NodeSpec(name: "app1.foobar.com", role: .appserver, index: 1),
                NodeSpec(name: "app2.foobar.com", role: .appserver, index: 2),
                NodeSpec(name: "mysql1.foobar.com", role: .service("mysql"), index: 1),
                NodeSpec(name: "postgresql1.foobar.com", role: .service("postgresql"), index: 1),
                NodeSpec(name: "balancer.foobar.com", role: .balancer, index: 1),
            ])
    }

    static let foobarRecords = [
        NodeRecord(name: "balancer.foobar.com", role: .balancer, address: "10.0.0.6", providerID: "n6"),
        NodeRecord(name: "app1.foobar.com", role: .appserver, address: "10.0.0.2", providerID: "n2"),
        NodeRecord(name: "app2.foobar.com", role: .appserver, address: "10.0.0.3", providerID: "n3"),
        NodeRecord(name: "mysql1.foobar.com", role: .service("mysql"), address: "10.0.0.4", providerID: "n4"),
        NodeRecord(name: "postgresql1.foobar.com", role: .service("postgresql"), address: "10.0.0.5", providerID: "n5"),
    ]

    static var foobarTopology: Topology { Topology(nodeset: foobar, records: foobarRecords) }

    /// One app server and no balancer: the app server faces the world.
    static var single: Nodeset {
        Nodeset(
            name: "single", file: "/nodesets/single.conf", locations: [Location(url: "http://single.example/", appName: "blog")],
            nodes: [NodeSpec(name: "web", role: .appserver, index: 1)])
    }

    static var singleTopology: Topology {
        Topology(nodeset: single, records: [NodeRecord(name: "web", role: .appserver, address: "10.1.0.2", providerID: "w")])
    }

    static func record(_ topology: Topology, _ name: String) -> NodeRecord {
        topology.nodes.first { $0.name == name }!
    }
}
