import Testing

@testable import SilverLining

@Suite struct ServicePlacementTests {
    @Test func aServiceSectionPutsTheDatabaseOnItsNode() throws {
        let topology = ServiceTopologies.make(appservers: 2, services: ["mysql": 1, "postgis": 1], balancer: true)
        let mysql = try ServicePlacement.resolve(kind: .mysql, topology: topology)
        #expect(!mysql.isLocal)
        #expect(mysql.nodes.map(\.name) == ["mysql1.example.com"])
        #expect(mysql.host == mysql.nodes[0].address)
        #expect(mysql.clientAddresses(in: topology) == topology.addresses(of: .appserver))
        #expect(try ServicePlacement.resolve(kind: .postgis, topology: topology).nodes.map(\.name) == ["postgis1.example.com"])
    }

    @Test func withoutASectionASingleAppServerRunsTheDatabaseOnLoopback() throws {
        let topology = ServiceTopologies.make(appservers: 1)
        for kind in [ServiceKind.mysql, .postgresql, .postgis] {
            let placement = try ServicePlacement.resolve(kind: kind, topology: topology)
            #expect(placement.isLocal)
            #expect(placement.nodes.map(\.name) == ["app1.example.com"])
            #expect(placement.host == "127.0.0.1")
            #expect(placement.clientAddresses(in: topology) == ["127.0.0.1"])
        }
    }

    @Test func severalAppServersRefuseALocalDatabaseAndSaySo() {
        let topology = ServiceTopologies.make(appservers: 2, services: ["mysql": 1])
        #expect(throws: ServicePlacementError.needsServiceNode(.postgresql, appservers: 2)) {
            try ServicePlacement.resolve(kind: .postgresql, topology: topology)
        }
        let text = ServicePlacementError.needsServiceNode(.postgresql, appservers: 2).description
        #expect(text.contains("service.postgresql"))
        #expect(text.contains("[service:postgresql]"))
        #expect(ServicePlacementError.needsServiceNode(.postgresql, appservers: 2).exitStatus == ExitStatus.badInput)
    }

    @Test func filesAndWritableRootLiveOnEveryAppServer() throws {
        let topology = ServiceTopologies.make(appservers: 3, services: ["mysql": 1])
        for kind in [ServiceKind.files, .writableRoot] {
            let placement = try ServicePlacement.resolve(kind: kind, topology: topology)
            #expect(placement.isLocal)
            #expect(placement.nodes.map(\.name) == ["app1.example.com", "app2.example.com", "app3.example.com"])
            #expect(placement.primary.name == "app1.example.com")
        }
    }

    @Test func aServiceWithSeveralNodesIsRefused() {
        let topology = ServiceTopologies.make(appservers: 1, services: ["mysql": 2])
        #expect(throws: ServicePlacementError.severalNodes(.mysql, count: 2)) {
            try ServicePlacement.resolve(kind: .mysql, topology: topology)
        }
    }

    @Test func nodesNotYetCreatedAreNamed() {
        let full = ServiceTopologies.make(appservers: 1, services: ["mysql": 1])
        let partial = Topology(nodeset: full.nodeset, records: full.nodes.filter { $0.role == .appserver })
        #expect(throws: ServicePlacementError.notCreated(.mysql, nodes: ["mysql1.example.com"])) {
            try ServicePlacement.resolve(kind: .mysql, topology: partial)
        }
        let none = Topology(nodeset: full.nodeset, records: [])
        #expect(throws: ServicePlacementError.notCreated(.files, nodes: ["app1.example.com"])) {
            try ServicePlacement.resolve(kind: .files, topology: none)
        }
    }

    @Test func theCatalogHasEveryKindAndKnowsAnAppsServices() {
        for kind in ServiceKind.allCases {
            #expect(ServiceCatalog.service(for: kind).kind == kind)
        }
        let app = AppConfig(directory: "/app", appName: "blog", launch: .command("run"), services: ["files": "", "mysql": ""])
        #expect(ServiceCatalog.kinds(of: app) == [.mysql, .files])
        #expect(ServiceSetup.clientPackages(for: [.mysql, .postgresql, .postgis, .files])
            == ["mariadb-client", "python3-mysqldb", "postgresql-client", "python3-psycopg2"])
    }
}
