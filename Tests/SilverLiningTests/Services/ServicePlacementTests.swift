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

    @Test("several nodes: the first is the primary, the rest its replicas, and apps are told both")
    func severalNodesAreAPrimaryAndReplicas() throws {
        let topology = ServiceTopologies.make(appservers: 1, services: ["mysql": 3])
        let placement = try ServicePlacement.resolve(kind: .mysql, topology: topology)
        #expect(placement.isReplicated)
        #expect(placement.primary.name == "mysql1.example.com")
        #expect(placement.replicas.map(\.name) == ["mysql2.example.com", "mysql3.example.com"])
        #expect(placement.host == placement.primary.address)
        #expect(placement.summary == "mysql1.example.com (primary; replicas mysql2.example.com, mysql3.example.com)")
        let environment = DatabaseService.mysql.environment(app: "blog", password: "pw", placement: placement)
        #expect(environment.last == EnvironmentVariable(name: "CONFIG_MYSQL_REPLICAS", value: "10.4.3.4:3306 10.4.3.5:3306"))
        #expect(!DatabaseService.mysql.environment(app: "blog", password: "pw", placement: try ServicePlacement.resolve(
            kind: .mysql, topology: ServiceTopologies.make(appservers: 1, services: ["mysql": 1]))).contains { $0.name.hasSuffix("REPLICAS") },
            "a single node's apps get Silver Lining's variables only")
    }

    @Test("after a failover the recorded primary is followed, and a fenced node is in no app's environment")
    func recordedRolesAreFollowed() throws {
        var topology = ServiceTopologies.make(appservers: 1, services: ["postgresql": 3])
        topology.databaseRoles["postgresql"] = DatabaseRoles(primary: "postgresql2.example.com", fenced: ["postgresql1.example.com"])
        let placement = try ServicePlacement.resolve(kind: .postgresql, topology: topology)
        #expect(placement.primary.name == "postgresql2.example.com")
        #expect(placement.replicas.map(\.name) == ["postgresql3.example.com"])
        #expect(placement.followers.map(\.name) == ["postgresql1.example.com", "postgresql3.example.com"])
        let environment = DatabaseService.postgresql.environment(app: "blog", password: "pw", placement: placement)
        #expect(environment.first { $0.name == "CONFIG_PG_HOST" }?.value == placement.primary.address)
        #expect(environment.first { $0.name == "CONFIG_PG_REPLICAS" }?.value == "\(placement.replicas[0].address):5432")
        #expect(!environment.contains { $0.value.contains(placement.fenced[0].address) })

        topology.databaseRoles["postgresql"] = DatabaseRoles(primary: "gone.example.com")
        #expect(try ServicePlacement.resolve(kind: .postgresql, topology: topology).primary.name == "postgresql1.example.com",
            "a recorded primary that is no longer a node of the section falls back to the first")
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
