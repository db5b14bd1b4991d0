import Foundation
import SilverLining
import Testing

/// A local nodeset of two app servers, a balancer and the given service nodes, with one
/// host name per app (`APP.NAME.test`), driven through the `silver` command.
struct CompatNodeset {
    let fixture: LocalNodesetFixture
    let conf: String
    let nodeset: Nodeset
    let silver: SilverCommand

    /// `apps`: (host label, app name) for each location.
    init(_ label: String, apps: [(String, String)], services: [String]) throws {
        fixture = LocalNodesetFixture(label)
        let domain = "\(fixture.name).test"
        let hosts = apps.map { "\($0.0).\(domain)" }
        var text = """
            [general]
            name = \(fixture.name)
            base_domain = \(domain)
            set_etc_hosts = false

            [appserver]
            nodes = 2
            locations =

            """
        for (host, app) in zip(hosts, apps.map(\.1)) { text += "    http://\(host)/ \(app)\n" }
        for service in services { text += "\n[service:\(service)]\n" }
        text += "\n[balancer]\nhostnames = \(hosts.joined(separator: " "))\n"
        try FileManager.default.createDirectory(atPath: fixture.home.path, withIntermediateDirectories: true)
        conf = fixture.home.path + "/\(fixture.name).conf"
        try text.write(toFile: conf, atomically: true, encoding: .utf8)
        nodeset = try NodesetLoader.load(path: conf)
        silver = SilverCommand(home: fixture.home.path)
    }

    func host(_ label: String) -> String { "\(label).\(fixture.name).test" }

    /// Creates and sets up the nodes, runs `body` with a session, the balancer's address and
    /// what those commands printed, then destroys the nodes whatever happened.
    func run(_ body: (NodesetSession, String, String) async throws -> Void) async throws {
        try await fixture.run(nodeset) { _ in
            let printed = try await silver.check(["create-node", conf]) + silver.check(["setup-node", conf])
            let session = try fixture.session(nodeset)
            let balancer = try #require(await session.store.all().first { $0.role == .balancer }).address
            try await body(session, balancer, printed)
        }
        #expect(LocalLeftovers.of(nodeset: fixture.name).isEmpty)
    }

    /// `count` requests through the balancer; every one must answer 200. Returns the bodies.
    func visit(_ balancer: String, _ label: String, path: String = "/", count: Int = 8) async throws -> [String] {
        var bodies: [String] = []
        for _ in 0..<count {
            let (status, body) = try await Visitor.get(balancer, host: host(label), path: path)
            #expect(status == 200, "\(host(label))\(path): \(status) \(body.prefix(2000))")
            bodies.append(body)
        }
        return bodies
    }

    static let appServers = ["app1", "app2"]
}

extension Array where Element == String {
    /// Which app servers' names appear in these bodies.
    func appServersNamed(in nodeset: String) -> Set<String> {
        Set(CompatNodeset.appServers.filter { server in contains { $0.contains("\(server).\(nodeset).test") } })
    }
}
