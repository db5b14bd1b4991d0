import Foundation
import SilverLining
import Testing

/// The rackspace and openstack providers against mimic, through the real HTTP path: sign-in
/// at mimic's identity service, Nova calls at the compute endpoint its catalog names. What
/// the provider made is read back from mimic's API by the test itself.
@Suite(
    "Nova providers against mimic", .serialized, .mimicServer,
    .enabled(if: MimicServer.executable != nil, MimicServer.skipReason))
struct NovaMimicTests {
    typealias Support = NovaTestSupport

    func server() throws -> MimicServer {
        try #require(MimicServer.current, "the suite's mimic did not start")
    }

    func live(_ account: MimicAccount, named name: String? = nil) async throws -> [NovaServer] {
        try await account.servers().filter { name == nil || $0.name == name }
    }

    @Test("create-node makes servers with the nodeset's metadata, key pair and flavors; re-runs adopt; destroy and release clean up")
    func lifecycle() async throws {
        let server = try server()
        let account = try await server.account("life")
        try await account.publishDebian12()
        let settings = Support.settings(server, username: "life")
        let provider = try Support.provider(settings)
        let nodeset = Support.nodeset("life", appservers: 2, mysql: true, balancer: true, provider: settings)
        let context = try Support.context(nodeset)

        let records = try await EC2TestSupport.createNodes(provider, context)
        #expect(records.count == 4)
        var servers = try await live(account)
        #expect(servers.count == 4)
        for record in records {
            let made = try #require(servers.first { $0.id == record.providerID })
            #expect(made.name == record.name)
            #expect(made.status == "ACTIVE")
            #expect(made.metadata == ["silver:nodeset": "life", "silver:role": record.role.topologyKey])
            // Rackspace's public network, not ServiceNet: mimic's made-up 198.101.241.x.
            #expect(record.address == made.address && record.address.hasPrefix("198.101.241."))
            #expect(record.details["private_address"]?.hasPrefix("10.180.") == true)
            #expect(record.details["region"] == "DFW")  // the account's default, from the token
            #expect(made.imageID == (try await provider.image()).id)
        }
        #expect(try await provider.image().name == "Debian 12 (Bookworm) (PVHVM)")
        let flavors = Dictionary(uniqueKeysWithValues: servers.map { ($0.name, $0.flavorID ?? "") })
        #expect(flavors["app1.life.test"] == "2")  // ram 256MB: the smallest flavor, 512 MB, which the image needs anyway
        #expect(flavors["mysql1.life.test"] == "3")  // id 3
        #expect(flavors["balancer.life.test"] == "general1-1")  // default ram 1GB: the 1 GB flavor with the smallest disk
        #expect(try await account.keyPairNames() == ["silver-life"])
        // mimic offers no console log: host keys are then pinned on first contact.
        #expect(try await provider.client.consoleOutput(records[0].providerID) == nil)

        // A re-run changes nothing; a node the record forgot is found by its metadata.
        try await context.store.remove(named: "app1.life.test")
        let again = try await EC2TestSupport.createNodes(try Support.provider(settings), context)
        #expect(Set(again.map(\.providerID)) == Set(records.map(\.providerID)))
        #expect(try await live(account).count == 4)
        for record in again {
            #expect(try await provider.state(of: record, context: context) == .running)
        }

        await #expect(throws: NovaError.nodesRemain(nodeset: "life", servers: again.map(\.providerID).sorted())) {
            try await provider.release(context: context)
        }
        try await forEachOrThrow(again, parallel: 4, name: { $0.name }) { try await provider.destroy($0, context: context) }
        for record in again {
            #expect(try await provider.state(of: record, context: context) == .missing)
        }
        servers = try await live(account)
        #expect(servers.isEmpty)
        try await provider.release(context: context)
        #expect(try await account.keyPairNames().isEmpty)
    }

    @Test("fail: create-node names the node and what the cloud said, makes nothing for it, and a re-run finishes")
    func createFails() async throws {
        let server = try server()
        let account = try await server.account("fails")
        try await account.publishDebian12()
        let behavior = try await account.behave(
            "fail", servers: "app2\\.fails.*", parameters: ["code": 500, "message": "No valid host was found"])
        let settings = Support.settings(server, username: "fails")
        let context = try Support.context(Support.nodeset("fails", appservers: 2, provider: settings))

        let error = try await #require(throws: FanOutError.self) {
            try await EC2TestSupport.createNodes(try Support.provider(settings), context)
        }
        #expect(error.failures.map(\.node) == ["app2.fails.test"])
        #expect("\(error)".contains("app2.fails.test: the cloud refused to create the server (HTTP 500 computeFault): No valid host was found"))
        #expect(try await live(account).map(\.name) == ["app1.fails.test"])
        #expect(await context.store.record(named: "app2.fails.test") == nil)

        try await account.forget(behavior: behavior)
        _ = try await EC2TestSupport.createNodes(try Support.provider(settings), context)
        #expect(try await live(account).map(\.name).sorted() == ["app1.fails.test", "app2.fails.test"])
        try await destroyAll(context, settings)
    }

    @Test("error: the server goes to ERROR; it stays recorded and failed; a re-run replaces it")
    func serverErrors() async throws {
        let server = try server()
        let account = try await server.account("errs")
        try await account.publishDebian12()
        let behavior = try await account.behave("error", servers: "app1\\.errs.*")
        let settings = Support.settings(server, username: "errs")
        let provider = try Support.provider(settings)
        let context = try Support.context(Support.nodeset("errs", appservers: 1, provider: settings))

        let error = try await #require(throws: FanOutError.self) { try await EC2TestSupport.createNodes(provider, context) }
        let broken = try #require(try await live(account).first)
        #expect(broken.status == "ERROR")
        #expect(
            "\(error)".contains("app1.errs.test: the cloud put server \(broken.id) in ERROR. It stays recorded: run create-node again"))
        let record = try #require(await context.store.record(named: "app1.errs.test"))
        #expect(record.providerID == broken.id && record.isUnfinished)
        #expect(try await provider.state(of: record, context: context) == .failed)

        try await account.forget(behavior: behavior)
        let replaced = try await EC2TestSupport.createNodes(try Support.provider(settings), context)
        let servers = try await live(account)
        #expect(servers.map(\.status) == ["ACTIVE"])
        #expect(servers.first?.id == replaced.first?.providerID && replaced.first?.providerID != broken.id)
        try await destroyAll(context, settings)
    }

    @Test("active-then-error: list-nodes shows the server failed; a re-run replaces it")
    func activeThenError() async throws {
        let server = try server()
        let account = try await server.account("later")
        try await account.publishDebian12()
        try await account.behave("active-then-error", servers: "app1\\.later.*", parameters: ["duration": 30])
        let settings = Support.settings(server, username: "later")
        let provider = try Support.provider(settings)
        let nodeset = Support.nodeset("later", appservers: 1, provider: settings)
        let context = try Support.context(nodeset)

        let first = try #require(try await EC2TestSupport.createNodes(provider, context).first)
        #expect(try await provider.state(of: first, context: context) == .running)
        try await server.tick(31)
        #expect(try await provider.state(of: first, context: context) == .failed)
        let session = try NodesetSession(
            nodeset: nodeset, provider: provider, home: SilverHome(path: context.store.directory + "-home"), console: .silent)
        try await session.store.save(first)
        #expect(await NodeListing(session: session).rows().map(\.state) == ["failed"])

        // The behaviour still holds, but the clock has not moved since: the new server stays ACTIVE.
        let second = try #require(try await EC2TestSupport.createNodes(provider, context).first)
        #expect(second.providerID != first.providerID)
        #expect(try await live(account).map(\.id) == [second.providerID])
        try await destroyAll(context, settings)
    }

    @Test("build: the server is recorded while it builds, before any wait, and create-node waits for it")
    func slowBuild() async throws {
        let server = try server()
        let account = try await server.account("slow")
        try await account.publishDebian12()
        try await account.behave("build", servers: "app1\\.slow.*", parameters: ["duration": 600])
        let settings = Support.settings(server, username: "slow")
        let provider = try Support.provider(settings)
        let context = try Support.context(Support.nodeset("slow", appservers: 1, provider: settings))
        let spec = context.nodeset.nodes[0]
        try await provider.prepare(for: [spec], context: context)

        let ensuring = Task { try await provider.ensure(spec, existing: nil, context: context) }
        var building: NodeRecord?
        for _ in 0..<200 where building == nil {
            try await Task.sleep(for: .milliseconds(20))
            building = await context.store.record(named: spec.name)
        }
        let recorded = try #require(building, "the server was not recorded while it built")
        #expect(recorded.isUnfinished && recorded.address.isEmpty)
        #expect(try await live(account).map(\.status) == ["BUILD"])
        try await server.tick(601)
        let done = try await ensuring.value
        #expect(done.providerID == recorded.providerID && done.address.hasPrefix("198.101.241."))

        // A build that outlasts create-node's patience: the server stays recorded, and the next
        // run waits for the same server instead of making another.
        var impatient = NovaTestSupport.fast
        impatient.launchTimeout = .milliseconds(300)
        let hurried = try NovaProvider(settings: settings, timing: impatient)
        let second = NodeSpec(name: "app1.slow2.test", role: .appserver, index: 1, size: .ram(megabytes: 256))
        try await account.behave("build", servers: "app1\\.slow2.*", parameters: ["duration": 600])
        let timedOut = try await #require(throws: NovaError.self) { try await hurried.ensure(second, existing: nil, context: context) }
        guard case .timedOut(let waitingFor, _, _) = timedOut else { throw EmulatorError("expected a timeout, got \(timedOut)") }
        #expect(waitingFor == "ACTIVE")
        #expect(timedOut.description.contains("stays recorded"))
        let kept = try #require(await context.store.record(named: second.name))
        try await server.tick(601)
        let finished = try await hurried.ensure(second, existing: kept, context: context)
        #expect(finished.providerID == kept.providerID)
        #expect(try await live(account, named: second.name).count == 1)
        try await destroyAll(context, settings)
    }

    @Test("false-negative: the cloud reports a failure but makes the server; it is adopted, never made twice")
    func falseNegative() async throws {
        let server = try server()
        let account = try await server.account("liar")
        try await account.publishDebian12()
        try await account.behave("false-negative", servers: "app1\\.liar.*", parameters: ["code": 500])
        let settings = Support.settings(server, username: "liar")
        let context = try Support.context(Support.nodeset("liar", appservers: 1, provider: settings))

        let records = try await EC2TestSupport.createNodes(try Support.provider(settings), context)
        var servers = try await live(account)
        #expect(servers.count == 1)
        #expect(records.first?.providerID == servers.first?.id)
        // A re-run with the behaviour still in place makes nothing.
        _ = try await EC2TestSupport.createNodes(try Support.provider(settings), context)
        servers = try await live(account)
        #expect(servers.count == 1)
        try await destroyAll(context, settings)
    }

    @Test("a wrong API key names the account and identity URL, never the key, and leaves nothing")
    func wrongAPIKey() async throws {
        let server = try server()
        try await server.refuseSignIn(usernames: "wrongkey.*")
        let key = "0123456789abcdef-WRONG"
        var settings = Support.settings(server, username: "wrongkey-ann")
        settings.secret = Secret(key)
        let context = try Support.context(Support.nodeset("wrongkey", appservers: 1, provider: settings))
        let error = try await #require(throws: NovaError.self) {
            try await Support.provider(settings).prepare(for: context.nodeset.nodes, context: context)
        }
        #expect(error.description.contains("account wrongkey-ann at \(server.identityURL)"))
        #expect(error.description.contains("Unable to authenticate user with credentials provided"))
        #expect(!error.description.contains(key))
        #expect(error.exitStatus == ExitStatus.badInput)
    }

    @Test("an unknown region lists the catalog's; a size no flavor has lists the flavors; a missing image says so; nothing is made")
    func badInputLeavesNothing() async throws {
        let server = try server()
        let account = try await server.account("bad")
        try await account.publishDebian12()

        let lon = Support.settings(server, username: "bad", extra: ["region": "LON"])
        var context = try Support.context(Support.nodeset("bad", appservers: 1, provider: lon))
        let region = try await #require(throws: NovaError.self) {
            try await Support.provider(lon).prepare(for: context.nodeset.nodes, context: context)
        }
        #expect(region == .unknownRegion("LON", regions: MimicServer.regions))
        #expect(region.description.contains("DFW, IAD, ORD"))

        let settings = Support.settings(server, username: "bad")
        context = try Support.context(
            Support.nodeset("bad", appservers: 1, provider: settings, appSize: .ram(megabytes: 1_000_000)))
        let size = try await #require(throws: NovaError.self) {
            try await Support.provider(settings).prepare(for: context.nodeset.nodes, context: context)
        }
        #expect(size.description.contains("[appserver] size asks for 1000000 MB of memory and no flavor has that much"))
        #expect(size.description.contains("  id 2: 512MB Standard Instance, 512 MiB, 1 vCPU, 20 GB disk\n"))
        #expect(size.exitStatus == ExitStatus.badInput)

        let plan9 = Support.settings(server, username: "bad", extra: ["image": "name Debian 99*"])
        context = try Support.context(Support.nodeset("bad", appservers: 1, provider: plan9))
        let image = try await #require(throws: NovaError.self) {
            try await Support.provider(plan9).prepare(for: context.nodeset.nodes, context: context)
        }
        #expect(image.description.contains("[provider] image \"name Debian 99*\" matches no image"))
        #expect(image.description.contains("Debian 8 (Jessie) (PVHVM)"))

        #expect(try await account.servers().isEmpty)
        #expect(try await account.keyPairNames().isEmpty)
    }

    @Test("a key pair of the nodeset's name holding another key is refused before any server is made")
    func keyPairMismatch() async throws {
        let server = try server()
        let account = try await server.account("keys")
        try await account.publishDebian12()
        _ = try await MimicServer.request(
            "POST", account.nova + "/os-keypairs", json: ["keypair": ["name": "silver-keys", "public_key": EC2TestSupport.otherKey]],
            token: account.token)
        let settings = Support.settings(server, username: "keys")
        let context = try Support.context(Support.nodeset("keys", appservers: 1, provider: settings))
        await #expect(throws: NovaError.keyPairMismatch(name: "silver-keys", region: "DFW")) {
            try await EC2TestSupport.createNodes(try Support.provider(settings), context)
        }
        #expect(try await account.servers().isEmpty)
    }

    @Test("provider = openstack signs in with a password (Keystone v2.0 at mimic) and shares the Nova client")
    func openstackPassword() async throws {
        let server = try server()
        let settings = ProviderSettings(
            kind: "openstack", username: "keystone-user", secret: Secret("pass word"),
            settings: ["auth_url": server.identityURL, "region": "ORD", "ssh_wait": "false"])
        let provider = try Support.provider(settings)
        #expect(provider.client.account.method == .passwordV2(project: nil))
        let context = try Support.context(Support.nodeset("os", appservers: 1, provider: settings))
        try await server.account("keystone-user").publishDebian12()
        let records = try await EC2TestSupport.createNodes(provider, context)
        #expect(try await provider.client.region() == "ORD")
        #expect(records.count == 1 && records[0].details["region"] == "ORD")
        try await destroyAll(context, settings)
    }

    /// Destroys what the context's record holds and releases the key pair.
    func destroyAll(_ context: ProviderContext, _ settings: ProviderSettings) async throws {
        let provider = try Support.provider(settings)
        for record in await context.store.all() {
            try await provider.destroy(record, context: context)
            try await context.store.remove(named: record.name)
        }
        try await provider.release(context: context)
    }
}
