import Foundation
import SilverLining
import Testing

/// The EC2 provider against moto's server, through the real HTTP path with SigV4 signatures
/// that moto checks. What the provider made is read back with boto3 (`moto_reader.py`).
@Suite(
    "EC2 provider against moto", .serialized, .motoServer,
    .enabled(if: MotoServer.executable != nil, MotoServer.skipReason))
struct EC2MotoTests {
    typealias Support = EC2TestSupport

    func server() throws -> MotoServer {
        try #require(MotoServer.current, "the suite's moto server did not start")
    }

    static func firewall(_ nodeset: String, balancer: Bool = true) -> [String: [String]] {
        func anywhere(_ port: Int) -> [String] { ["tcp/\(port) 0.0.0.0/0", "tcp/\(port) ::/0"] }
        let app = anywhere(22) + (balancer ? ["tcp/80 silver-\(nodeset)-balancer"] : anywhere(80))
        var groups = [
            "silver-\(nodeset)-appserver": app.sorted(),
            "silver-\(nodeset)-service.mysql": (anywhere(22) + ["tcp/3306 silver-\(nodeset)-appserver"]).sorted(),
        ]
        if balancer {
            groups["silver-\(nodeset)-balancer"] = (anywhere(22) + anywhere(80) + anywhere(443)).sorted()
        }
        return groups
    }

    @Test("create-node makes tagged instances, a key pair and firewall groups; reruns reuse; scaling adds one; destroy and release clean up")
    func lifecycle() async throws {
        let server = try server()
        let settings = Support.settings(server)
        let provider = try Support.provider(settings)
        let two = Support.nodeset("shop", appservers: 2, provider: settings)
        let context = try Support.context(two)

        let records = try await Support.createNodes(provider, context)
        #expect(records.count == 4)
        #expect(Set(records.map(\.providerID)).count == 4)
        #expect(records.allSatisfy { !$0.address.isEmpty && $0.providerID.hasPrefix("i-") })
        // moto's console output has no cloud-init host key block: none are recorded, and
        // create-node takes them on first contact.
        #expect(records.allSatisfy { $0.hostKeys.isEmpty })

        var view = try server.describe(nodeset: "shop")
        #expect(view.live.count == 4)
        for record in records {
            let instance = try #require(view.live.first { $0.id == record.providerID })
            #expect(instance.state == "running")
            #expect(instance.tags["Name"] == record.name)
            #expect(instance.tags["silver:nodeset"] == "shop")
            #expect(instance.tags["silver:role"] == record.role.topologyKey)
            #expect(instance.key == "silver-shop")
            #expect(instance.groups == ["silver-shop-\(record.role.topologyKey)"])
            #expect(instance.image == Support.newestDebian)
            #expect(record.address == (instance.public_ip ?? instance.private_ip))
        }
        let types = Dictionary(uniqueKeysWithValues: view.live.map { ($0.tags["Name"]!, $0.type) })
        #expect(types["app1.shop.test"] == "t3a.nano")  // ram 512MB: the cheapest x86 type with 512 MiB
        #expect(types["mysql1.shop.test"] == "t3.small")  // id t3.small
        #expect(types["balancer.shop.test"] == "t3a.micro")  // no size: ram 1GB
        #expect(view.key_pairs == ["silver-shop"])
        #expect(view.security_groups == Self.firewall("shop"))

        // Running create-node again changes nothing.
        let again = try await Support.createNodes(provider, context)
        #expect(Set(again.map(\.providerID)) == Set(records.map(\.providerID)))
        #expect(try server.describe(nodeset: "shop").live.count == 4)

        // Raising nodes to 3 makes exactly one more; app1, forgotten by the record, is found by its tags.
        try await context.store.remove(named: "app1.shop.test")
        let three = Support.nodeset("shop", appservers: 3, provider: settings)
        let scaledContext = try Support.context(three, store: context.store)
        let scaled = try await Support.createNodes(try Support.provider(settings), scaledContext)
        let added = Set(scaled.map(\.providerID)).subtracting(records.map(\.providerID))
        #expect(added.count == 1)
        #expect(scaled.first { $0.name == "app1.shop.test" }?.providerID == records.first { $0.name == "app1.shop.test" }?.providerID)
        view = try server.describe(nodeset: "shop")
        #expect(view.live.count == 5)
        #expect(view.live.filter { $0.tags["Name"] == "app3.shop.test" }.count == 1)

        for record in scaled {
            #expect(try await provider.state(of: record, context: scaledContext) == .running)
        }

        // A stopped node reads as stopped, and create-node starts it again.
        let app2 = try #require(scaled.first { $0.name == "app2.shop.test" })
        _ = try server.reader(["stop", server.endpoint, app2.providerID])
        #expect(try await provider.state(of: app2, context: scaledContext) == .stopped)
        let restarted = try await provider.ensure(three.nodes[1], existing: app2, context: scaledContext)
        #expect(restarted.providerID == app2.providerID)
        #expect(try await provider.state(of: restarted, context: scaledContext) == .running)

        // The groups and key pair stay while nodes remain.
        await #expect(throws: EC2Error.nodesRemain(nodeset: "shop", instances: scaled.map(\.providerID).sorted())) {
            try await provider.release(context: scaledContext)
        }

        try await forEachOrThrow(scaled, parallel: 8, name: { $0.name }) { record in
            try await provider.destroy(record, context: scaledContext)
        }
        for record in scaled {
            #expect(try await provider.state(of: record, context: scaledContext) == .missing)
        }
        #expect(try server.describe(nodeset: "shop").live.isEmpty)

        try await provider.release(context: scaledContext)
        view = try server.describe(nodeset: "shop")
        #expect(view.security_groups.isEmpty)
        #expect(view.key_pairs.isEmpty)
    }

    /// Issue 19: a create-node whose instances launch but never answer SSH keeps every one in
    /// the record. moto's instances do not exist and their addresses lead nowhere, so
    /// `ssh_wait = false` stands in for the SSH that never answers (no packet is sent).
    @Test("instances that never answer SSH stay recorded: list-nodes shows them, a re-run adds none, destroy-node removes all")
    func unansweredInstancesStayRecorded() async throws {
        let server = try server()
        let settings = Support.settings(server, extra: ["ssh_wait": "false"])
        let home = try ScratchDirectory()
        let session = try NodesetSession(
            nodeset: Support.nodeset("quiet", appservers: 2, provider: settings), provider: try Support.provider(settings),
            home: SilverHome(path: home.path), console: .silent)

        let error = try await #require(throws: FanOutError.self) { try await NodeCreation(session: session).run() }
        #expect(error.failures.count == 4)
        #expect(error.failures.allSatisfy { "\($0.error)".contains("ssh_wait = false") })
        let launched = try server.describe(nodeset: "quiet").live
        #expect(launched.count == 4)
        let rows = await NodeListing(session: session).rows()
        #expect(rows.map(\.state) == Array(repeating: "running, unfinished", count: 4))
        #expect(Set(rows.map(\.id)) == Set(launched.map(\.id)))

        _ = try? await NodeCreation(session: session).run()
        #expect(Set(try server.describe(nodeset: "quiet").live.map(\.id)) == Set(launched.map(\.id)))

        #expect(try await NodeDestruction(session: session).run().count == 4)
        let view = try server.describe(nodeset: "quiet")
        #expect(view.live.isEmpty)
        #expect(view.security_groups.isEmpty && view.key_pairs.isEmpty)
    }

    @Test("the security groups follow the nodeset: a removed balancer opens the app servers' port to all")
    func rulesFollowTheNodeset() async throws {
        let server = try server()
        let settings = Support.settings(server)
        let provider = try Support.provider(settings)
        let context = try Support.context(Support.nodeset("fw", appservers: 1, provider: settings))
        try await provider.prepare(for: context.nodeset.nodes, context: context)
        #expect(try server.describe(nodeset: "fw").security_groups == Self.firewall("fw"))

        let withoutBalancer = Support.nodeset("fw", appservers: 1, balancer: false, provider: settings)
        let later = try Support.context(withoutBalancer, store: context.store)
        try await Support.provider(settings).prepare(for: withoutBalancer.nodes, context: later)
        var groups = try server.describe(nodeset: "fw").security_groups
        #expect(groups["silver-fw-appserver"] == Self.firewall("fw", balancer: false)["silver-fw-appserver"])

        try await provider.release(context: context)
        groups = try server.describe(nodeset: "fw").security_groups
        #expect(groups.isEmpty)
    }

    @Test("a key pair of the same name holding another key is refused; the same key is reused")
    func keyPairs() async throws {
        let server = try server()
        let settings = Support.settings(server)
        _ = try server.reader(["import-key", server.endpoint, "silver-keys", Support.otherKey])
        let provider = try Support.provider(settings)
        let context = try Support.context(Support.nodeset("keys", appservers: 1, mysql: false, balancer: false, provider: settings))
        await #expect(throws: EC2Error.keyPairMismatch(name: "silver-keys", region: "us-east-1")) {
            try await provider.prepare(for: context.nodeset.nodes, context: context)
        }

        _ = try server.reader(["import-key", server.endpoint, "silver-same", Support.key])
        let same = try Support.context(Support.nodeset("same", appservers: 1, mysql: false, balancer: false, provider: settings))
        try await provider.prepare(for: same.nodeset.nodes, context: same)
        #expect(try server.describe(nodeset: "same").key_pairs == ["silver-same"])
        try await provider.release(context: same)
    }

    @Test("bad credentials are reported as such, without the secret")
    func badCredentials() async throws {
        let server = try server()
        let wrongSecret = "wrong/SECRET+key0123456789abcdefghijklmn"
        for settings in [
            Support.settings(server, secret: wrongSecret),
            ProviderSettings(
                kind: "ec2", username: "AKIAUNKNOWNKEY000000", secret: Secret(wrongSecret),
                settings: Support.settings(server).settings),
        ] {
            let provider = try Support.provider(settings)
            let context = try Support.context(Support.nodeset("creds", appservers: 1, provider: settings))
            let error = try await #require(throws: EC2Error.self) {
                try await provider.prepare(for: context.nodeset.nodes, context: context)
            }
            guard case .badCredentials(let code, _, let credentials) = error else {
                Issue.record("expected bad credentials, got \(error)")
                continue
            }
            #expect(code == "AuthFailure")
            #expect(credentials.contains(settings.username!))
            #expect(!error.description.contains(wrongSecret))
            #expect(error.description.contains("[provider] username"))
            #expect(error.exitStatus == ExitStatus.badInput)
        }
    }

    @Test("credentials from the environment and from a shared credentials file profile")
    func credentialSources() async throws {
        let server = try server()
        let settings = ProviderSettings(kind: "ec2", settings: ["endpoint": server.endpoint])
        let fromEnvironment = try EC2Provider(
            settings: settings,
            environment: [
                "AWS_ACCESS_KEY_ID": server.accessKeyID, "AWS_SECRET_ACCESS_KEY": server.secretAccessKey,
                "AWS_REGION": "us-east-1",
            ])
        #expect(try await fromEnvironment.listImages().first?.id == Support.newestDebian)

        let file = NSTemporaryDirectory() + "silver-ec2-credentials-\(UUID().uuidString)"
        try """
            [default]
            aws_access_key_id = AKIAWRONG
            aws_secret_access_key = wrong

            [moto]
            aws_access_key_id = \(server.accessKeyID)
            aws_secret_access_key = \(server.secretAccessKey)
            """.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let fromProfile = try EC2Provider(
            settings: settings,
            environment: ["AWS_SHARED_CREDENTIALS_FILE": file, "AWS_PROFILE": "moto", "AWS_DEFAULT_REGION": "us-east-1"])
        #expect(fromProfile.client.credentials.source.contains("profile \"moto\""))
        #expect(try await fromProfile.listImages().first?.id == Support.newestDebian)
    }

    @Test("images: the default is the newest Debian 12 amd64 by Debian; patterns and ids that match nothing are errors")
    func images() async throws {
        let server = try server()
        var settings = Support.settings(server)
        settings.settings["image"] = nil
        let byDefault = try Support.provider(settings)
        #expect(try await byDefault.image().id == Support.newestDebian)
        #expect(try await byDefault.listImages().map(\.id) == [Support.newestDebian, Support.olderDebian])

        let arm = try Support.provider(Support.settings(server, extra: ["image": "name debian-12-arm64-*"]))
        #expect(try await arm.image().id == Support.debianArm)
        let armApp = NodeSpec(name: "app1.arm.test", role: .appserver, index: 1, size: .ram(megabytes: 512))
        #expect(try await arm.instanceType(for: armApp) == "t4g.nano")

        let nothing = try Support.provider(Support.settings(server, extra: ["image": "name no-such-image-*"]))
        await #expect(throws: EC2Error.imageNotFound(setting: "[provider] image", value: "name no-such-image-*")) {
            try await nothing.image()
        }
        let missing = try Support.provider(Support.settings(server, extra: ["image": "id ami-00000000deadbeef"]))
        let error = try await #require(throws: EC2Error.self) { try await missing.image() }
        #expect(error.description.contains("[provider] image"))
    }

    @Test("sizes: ram picks the smallest fitting type, ids are checked, impossible sizes name their section")
    func sizes() async throws {
        let server = try server()
        let provider = try Support.provider(Support.settings(server))
        func spec(_ role: Role, _ size: NodeSize?) -> NodeSpec { NodeSpec(name: "n1.sizes.test", role: role, index: 1, size: size) }

        #expect(try await provider.instanceType(for: spec(.appserver, .ram(megabytes: 256))) == "t3a.nano")
        #expect(try await provider.instanceType(for: spec(.appserver, .ram(megabytes: 3000))) == "t3a.medium")
        #expect(try await provider.instanceType(for: spec(.balancer, .id("m5.large"))) == "m5.large")

        let unknown = try await #require(throws: EC2Error.self) {
            try await provider.instanceType(for: spec(.appserver, .id("t9.bogus")))
        }
        #expect(unknown == .unknownSize(section: "appserver", id: "t9.bogus"))
        #expect(unknown.description.contains("[appserver] size"))

        let huge = try await #require(throws: EC2Error.self) {
            try await provider.instanceType(for: spec(.service("mysql"), .ram(megabytes: 100_000_000)))
        }
        #expect(huge.description.contains("[service:mysql] size"))

        let wrongArchitecture = try await #require(throws: EC2Error.self) {
            try await provider.instanceType(for: spec(.appserver, .id("t4g.micro")))
        }
        #expect(wrongArchitecture.description.contains("arm64"))

        let listing = try await provider.listSizes(architecture: "x86_64")
        #expect(listing.fromAPI)
        #expect(listing.types.first?.id == "t3a.nano")
        #expect(listing.types.map(\.memoryMiB) == listing.types.map(\.memoryMiB).sorted())
        #expect(listing.types.allSatisfy { $0.architectures.contains("x86_64") && $0.currentGeneration })
    }
}
