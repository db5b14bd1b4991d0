import Foundation
import Testing

@testable import SilverNode

@Suite struct NodesetSecretFileTests {
    @Test("read-only asks find nothing; the first make writes it once, root-owned, apps' group, no newline; later makes keep it")
    func makeOnce() throws {
        let root = try TemporaryRoot()
        let file = NodesetSecretFile(paths: root.paths)
        #expect(try file.handle(NodesetSecretRequest(create: false)).value == nil)
        let made = try #require(try file.handle(NodesetSecretRequest(create: true)).value)
        #expect(made.count == 32 && made.allSatisfy { $0.isLetter || $0.isNumber })
        #expect(try file.handle(NodesetSecretRequest(create: true)).value == made)
        #expect(try file.handle(NodesetSecretRequest(create: false)).value == made)
        #expect(root.read(AppRuntime.secretPath) == made, "no newline: PHP reads the file as it is")
        #expect(root.mode(AppRuntime.secretPath) == 0o640)
        if Privileges.isRoot {
            let status = try #require(FileSystem.status(root.full(AppRuntime.secretPath)))
            // The apps' group where setup-node has made it (not on the machine running the
            // tests); root's until then, and setup-node's plan gives it to the group.
            let gid = (try? FileSystem.gid(AppAccount.sharedGroup)) ?? 0
            #expect(status.uid == 0 && status.gid == gid)
        }
    }
}

@Suite struct DeploymentConfigurationTests {
    /// Whoever runs the tests stands in for the app's account.
    static let me = ResolvedAccount(uid: getuid(), gid: getgid())

    @Test("SILVER_APP_CONFIG: the uploaded configuration, else config.default in the instance, else none")
    func directory() throws {
        let root = try TemporaryRoot()
        let config = DeploymentConfiguration(paths: root.paths)
        #expect(config.directory(app: "blog", instance: "blog.2026-11-25_001", defaultDirectory: nil) == nil)
        #expect(config.directory(app: "blog", instance: "blog.2026-11-25_001", defaultDirectory: "conf/default")
            == "/var/www/blog.2026-11-25_001/conf/default")
        try root.write("/var/lib/silverlining/configs/blog/settings.ini", "[x]\n")
        #expect(config.directory(app: "blog", instance: "blog.2026-11-25_001", defaultDirectory: "conf/default")
            == "/var/lib/silverlining/configs/blog")
    }

    @Test("an uploaded configuration becomes the app's when its instance installs; a rollback gives the one before back")
    func adoptAndGiveBack() throws {
        let root = try TemporaryRoot()
        let config = DeploymentConfiguration(paths: root.paths)
        try root.write("/var/lib/silverlining/configs/blog/settings.ini", "v1\n")
        try root.write("/var/lib/silverlining/configs/blog.incoming/settings.ini", "v2\n")
        try config.adopt(app: "blog", instance: "blog.2026-11-25_002", account: Self.me)
        #expect(root.read("/var/lib/silverlining/configs/blog/settings.ini") == "v2\n")
        #expect(!root.exists("/var/lib/silverlining/configs/blog.incoming"))
        try config.giveBack(app: "blog", instance: "blog.2026-11-25_003")
        #expect(root.read("/var/lib/silverlining/configs/blog/settings.ini") == "v2\n", "only the instance that brought it gives it back")
        try config.giveBack(app: "blog", instance: "blog.2026-11-25_002")
        #expect(root.read("/var/lib/silverlining/configs/blog/settings.ini") == "v1\n")
        try config.adopt(app: "blog", instance: "blog.2026-11-25_004", account: Self.me)
        #expect(root.read("/var/lib/silverlining/configs/blog/settings.ini") == "v1\n", "nothing uploaded: nothing changes")
    }
}

@Suite struct InstallScriptsTests {
    @Test("scripts run in order in the instance directory, executable ones directly and others by /bin/sh")
    func runInOrder() async throws {
        let root = try TemporaryRoot()
        let instance = "blog.2026-11-25_001"
        try root.write("/var/www/\(instance)/bin/first.sh", "#!/bin/sh\necho first >> \"$(pwd)/ran\"\n", mode: 0o755)
        try root.write("/var/www/\(instance)/bin/second", "echo second $DEBIAN_FRONTEND >> ran\n")
        try await InstallScripts(paths: root.paths).run(["bin/first.sh", "bin/second"], instance: instance)
        #expect(root.read("/var/www/\(instance)/ran") == "first\nsecond noninteractive\n")
    }

    @Test("a failing, missing or outside script stops the install and says which")
    func failures() async throws {
        let root = try TemporaryRoot()
        let instance = "blog.2026-11-25_001"
        try root.write("/var/www/\(instance)/fail.sh", "echo no apt source >&2\nexit 3\n")
        let failed = await #expect(throws: CommandError.self) {
            try await InstallScripts(paths: root.paths).run(["fail.sh"], instance: instance)
        }
        #expect(failed?.description.contains("no apt source") == true, "\(String(describing: failed))")
        await #expect(throws: AgentError.self) { try await InstallScripts(paths: root.paths).run(["missing.sh"], instance: instance) }
        await #expect(throws: AgentError.self) { try await InstallScripts(paths: root.paths).run(["../x.sh"], instance: instance) }
    }
}
