import Foundation
import Testing

@testable import SilverLining

/// How creating and reaching nodes fails: each failure names the node, says what to do, and
/// leaves the other nodes and this machine as they were.
@Suite(.serialized, .enabled(if: IntegrationEnvironment.available, IntegrationEnvironment.skipReason))
struct NodeErrorTests {
    /// A static nodeset whose app server is a real local node (reached with that local
    /// nodeset's key) and whose mysql server is an address nothing answers at.
    static func staticSetup(_ local: NodesetSession) async throws -> (settings: ProviderSettings, hosts: [String: String]) {
        let node = try #require(await local.store.all().first)
        let prefix = node.address.split(separator: ".").dropLast().joined(separator: ".")
        return (ProviderSettings(kind: "static", settings: ["ssh_key": local.store.privateKeyPath]), ["app": node.address, "mysql": prefix + ".250"])
    }

    @Test func unreachableNodeIsNamedAndTheOthersAreRecorded() async throws {
        let local = LocalNodesetFixture("reach")
        try await local.run(local.nodeset()) { localSession in
            try await NodeCreation(session: localSession).run()
            let (settings, hosts) = try await Self.staticSetup(localSession)
            let fixture = LocalNodesetFixture("static")
            let domain = "\(fixture.name).test"
            let nodeset = fixture.nodeset(
                appservers: 1, services: ["mysql": 1], provider: settings,
                staticAddresses: ["app1.\(domain)": hosts["app"]!, "mysql1.\(domain)": hosts["mysql"]!])
            try await fixture.run(nodeset, provider: StaticProvider()) { session in
                let error = await #expect(throws: FanOutError.self) { try await NodeCreation(session: session).run() }
                #expect(error?.failures.map(\.node) == ["mysql1.\(domain)"])
                #expect(error?.description.contains("mysql1.\(domain) (\(hosts["mysql"]!)) does not answer on SSH") == true, "\(String(describing: error))")
                #expect(error?.exitStatus == 1)

                let reachable = try #require(await session.store.record(named: "app1.\(domain)"))
                #expect(reachable.hostKeys == (await localSession.store.all().first?.hostKeys), "the scanned keys are the node's own")
                #expect(await session.store.record(named: "mysql1.\(domain)") == nil)
                #expect(try await session.output("hostname", on: "app1.\(domain)") == (await localSession.store.all().first?.name))
            }
        }
    }

    @Test func unreachableNodeThroughTheCommandLine() async throws {
        let local = LocalNodesetFixture("reachcli")
        try await local.run(local.nodeset()) { localSession in
            try await NodeCreation(session: localSession).run()
            let (settings, hosts) = try await Self.staticSetup(localSession)
            let file = try NodesetFile("staticcli") { name in
                """
                [general]
                name = \(name)
                base_domain = \(name).test

                [provider]
                provider = static
                ssh_key = \(settings.settings["ssh_key"]!)

                [appserver]
                hosts = \(hosts["app"]!)

                [service:mysql]
                hosts = \(hosts["mysql"]!)

                """
            }
            try await file.run {
                let run = try await SilverCLI.run(["create-node", file.path], environment: file.environment)
                #expect(run.status == 1, "\(run.transcript)")
                #expect(run.errorText.contains("mysql.\(file.name).test (\(hosts["mysql"]!)) does not answer on SSH"), "\(run.transcript)")
                #expect(!run.errorText.contains("app1."), "\(run.transcript)")

                let listed = try await SilverCLI.run(["list-nodes", file.path], environment: file.environment)
                let lines = listed.text.split(separator: "\n")
                #expect(lines.contains { $0.hasPrefix("app1.\(file.name).test ") && $0.hasSuffix(" running") }, "\(listed.transcript)")
                #expect(lines.contains { $0.hasPrefix("mysql.\(file.name).test ") && $0.hasSuffix(" not created") }, "\(listed.transcript)")
            }
        }
    }

    @Test func changedHostKeyIsRefusedUntilRescanned() async throws {
        let fixture = LocalNodesetFixture("hostkey")
        try await fixture.run(fixture.nodeset()) { session in
            try await NodeCreation(session: session).run()
            let record = try #require(await session.store.all().first)

            // The node is rebuilt: new host keys, and sshd restarted to serve them.
            for command in [
                Command("find", ["/etc/ssh", "-name", "ssh_host_*", "-delete"]),
                Command("ssh-keygen", ["-A"]),
                Command("systemctl", ["restart", "ssh"]),
            ] {
                try await session.ssh.check(command, on: record.reach)
            }
            // The open connection was made before the change; a new one meets the new key.
            await session.ssh.disconnect(record.reach)
            let error = await #expect(throws: RemoteError.self) {
                try await session.ssh.check(Command("true"), on: record.reach)
            }
            #expect(error == .hostKeyChanged(node: record.name, address: record.address))
            #expect(error?.description.contains("silver create-node NODESET --rescan-host-keys") == true)

            // create-node keeps the pinned keys of a running node, so it refuses too.
            let again = await #expect(throws: FanOutError.self) { try await NodeCreation(session: session).run() }
            #expect(again?.failures.first?.error as? RemoteError == .hostKeyChanged(node: record.name, address: record.address))
            #expect(await session.store.record(named: record.name)?.hostKeys == record.hostKeys)

            let changes = try await HostKeyRescan(session: session).run()
            #expect(changes.map(\.changed) == [true])
            let repinned = try #require(await session.store.record(named: record.name))
            #expect(repinned.hostKeys != record.hostKeys && repinned.hostKeys.count == record.hostKeys.count)
            #expect(try await session.output("hostname", on: record.name) == record.name)
            #expect(try await HostKeyRescan(session: session).run().map(\.changed) == [false])
        }
    }

    @Test func notRootIsRefusedWithTheReason() async throws {
        let file = try NodesetFile("nonroot") { name in "[general]\nname = \(name)\nbase_domain = \(name).test\n\n[appserver]\nnodes = 1\n" }
        // The user nobody must be able to write its SILVER_HOME and read the file.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: file.directory)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        try await file.run {
            let run = try await SilverCLI.run(
                ["create-node", file.path], environment: file.environment,
                as: ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
            #expect(run.status == 1, "\(run.transcript)")
            #expect(run.errorText.contains("needs root: run silver as root"), "\(run.transcript)")
            #expect(LocalLeftovers.of(nodeset: file.name).isEmpty)
        }
    }

    @Test func missingNspawnNamesThePackage() async throws {
        // A PATH with every program local nodes need except systemd-nspawn.
        let bin = NSTemporaryDirectory() + "silver-it-path-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: bin) }
        for (program, _) in LocalHost.requiredTools where program != "systemd-nspawn" {
            let found = try #require(LocalHost.findProgram(program))
            try FileManager.default.createSymbolicLink(atPath: bin + "/" + program, withDestinationPath: found)
        }
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin
        let provider = LocalProvider(environment: environment)

        let fixture = LocalNodesetFixture("nonspawn")
        try await fixture.run(fixture.nodeset(), provider: provider) { session in
            let error = await #expect(throws: LocalProviderError.self) { try await NodeCreation(session: session).run() }
            #expect(error?.description.contains("systemd-nspawn, which this machine lacks: run `apt-get install -y systemd-container`") == true,
                "\(String(describing: error))")
            #expect(await session.store.all().isEmpty)
        }
        #expect(LocalLeftovers.of(nodeset: fixture.name).isEmpty)
    }

    @Test func fullDiskLeavesNoHalfMadeNode() async throws {
        let disk = try await SmallDisk(megabytes: 16)
        var environment = ProcessInfo.processInfo.environment
        environment["SILVER_LOCAL_ROOT"] = disk.path
        let provider = LocalProvider(environment: environment)
        let fixture = LocalNodesetFixture("full")
        let nodeset = fixture.nodeset()
        let node = try #require(nodeset.nodes.first)
        do {
            try await fixture.run(nodeset, provider: provider) { session in
                try await session.ensureKeyPair()
                try await provider.prepare(for: nodeset.nodes, context: session.providerContext)
                try await disk.fill()

                let error = await #expect(throws: FanOutError.self) { try await NodeCreation(session: session).run() }
                #expect(error?.failures.map(\.node) == [node.name])
                #expect(error?.description.contains("could not create \(node.name)") == true, "\(String(describing: error))")
                #expect(error?.description.contains("No space left on device") == true, "\(String(describing: error))")
                #expect(await session.store.all().isEmpty)
                #expect(!FileManager.default.fileExists(atPath: provider.host.nodesetDirectory(nodeset.name) + "/" + node.name))
                #expect(ProcessTable.find(["systemd-nspawn", provider.host.nodesetDirectory(nodeset.name)]).isEmpty)
            }
            #expect(LocalLeftovers.of(nodeset: nodeset.name, host: provider.host).isEmpty)
        } catch {
            try await disk.unmount()
            throw error
        }
        try await disk.unmount()
    }
}

/// A tmpfs of a few megabytes, mounted for one test: a disk that can be filled.
struct SmallDisk {
    let path: String

    init(megabytes: Int) async throws {
        path = NSTemporaryDirectory() + "silver-it-disk-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try await CommandRunner().check(Command("mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "silver-it-disk", path]))
    }

    /// Writes zeros until the disk has no space left.
    func fill() async throws {
        let result = try await CommandRunner().run(Command("dd", ["if=/dev/zero", "of=\(path)/filler", "bs=4k"]))
        guard result.errorText.contains("No space left on device") else { throw TestFailure("dd did not fill \(path): \(result.errorText)") }
    }

    func unmount() async throws {
        try await CommandRunner().check(Command("umount", [path]))
        try FileManager.default.removeItem(atPath: path)
    }
}
