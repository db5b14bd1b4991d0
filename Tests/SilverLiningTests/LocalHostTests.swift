import Foundation
import Testing

@testable import SilverLining

/// Where local nodes keep their files, how silver finds the tools they need, and the
/// machine-wide settings and connections that must not mix nodesets.
@Suite struct LocalHostTests {
    @Test func nodesMoveWithoutTheSharedImagesAndLocks() {
        let host = LocalHost(environment: ["SILVER_LOCAL_ROOT": "/mnt/nodes"])
        #expect(host.nodesetDirectory("foo") == "/mnt/nodes/nodes/foo")
        #expect(host.imagesDirectory == "/var/lib/silverlining/images")
        #expect(host.aptCacheDirectory == "/var/lib/silverlining/apt-cache")
        #expect(host.locksDirectory == "/var/lib/silverlining/locks")

        let moved = LocalHost(environment: ["SILVER_IMAGE_ROOT": "/srv/silver", "SILVER_LOCAL_ROOT": ""])
        #expect(moved.nodesetDirectory("foo") == "/var/lib/silverlining/nodes/foo")
        #expect(moved.imagesDirectory == "/srv/silver/images")
        #expect(moved.locksDirectory == "/srv/silver/locks")
    }

    @Test func programsAreLookedForOnTheGivenPath() throws {
        let scratch = try ScratchDirectory()
        let tool = try scratch.write("bin/silver-test-tool", "#!/bin/sh\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tool)
        #expect(LocalHost.findProgram("silver-test-tool", environment: ["PATH": scratch.path + "/bin"]) == tool)
        #expect(LocalHost.findProgram("silver-test-tool", environment: ["PATH": "/nonexistent"]) == nil)
    }

    @Test func aLowInotifyLimitIsRaisedAndAHighOneKept() throws {
        let scratch = try ScratchDirectory()
        let low = try scratch.write("low", "128\n")
        #expect(LocalHost().raiseInotifyInstances(file: low) == nil)
        #expect(try String(contentsOfFile: low, encoding: .utf8) == "\(LocalHost.inotifyInstances)\n")
        let high = try scratch.write("high", "65536\n")
        #expect(LocalHost().raiseInotifyInstances(file: high) == nil)
        #expect(try String(contentsOfFile: high, encoding: .utf8) == "65536\n")
    }

    @Test func eachNodesetHasItsOwnConnectionsWithShortSocketPaths() {
        let one = SSH(privateKey: "/h/nodesets/one/id_ed25519", knownHosts: "/h/nodesets/one/known_hosts")
        let two = SSH(privateKey: "/h/nodesets/two/id_ed25519", knownHosts: "/h/nodesets/two/known_hosts")
        #expect(one.controlPath != two.controlPath)
        #expect(one.options.contains("ControlPath=\(one.controlPath)"))
        // OpenSSH expands %C to 40 hex digits and adds a 17-character suffix while binding.
        #expect(one.controlPath.replacingOccurrences(of: "%C", with: String(repeating: "0", count: 40)).utf8.count + 17 < 108)
    }
}
