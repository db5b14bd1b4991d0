import Foundation
import SilverLining
import Testing

/// create-node's wait for a cloud server's SSH, on loopback ports this test owns.
@Suite struct CloudSSHWaitTests {
    static func record(port: BoundPort) -> NodeRecord {
        NodeRecord(name: "app1.wait.test", role: .appserver, address: "127.0.0.1", providerID: "server-1")
    }

    static func wait(_ port: BoundPort, settings: [String: String] = [:]) -> CloudSSHWait {
        CloudSSHWait(
            settings: ProviderSettings(kind: "rackspace", settings: settings), timeout: .milliseconds(600),
            checkEvery: .milliseconds(100), port: port.port)
    }

    @Test func returnsOnceThePortListens() async throws {
        let port = try BoundPort()
        #expect(listen(port.fd, 4) == 0)
        try await Self.wait(port).wait(for: Self.record(port: port)) { Issue.record("no need to ask the cloud") }
    }

    @Test func whatTheCloudSaysWinsOverATimeout() async throws {
        let port = try BoundPort()
        let failed = NovaError.serverFailed(node: "app1.wait.test", server: "server-1", status: "ERROR", fault: "host died")
        await #expect(throws: failed) {
            try await Self.wait(port).wait(for: Self.record(port: port)) { throw failed }
        }
    }

    @Test func aPortThatNeverOpensIsReportedWithTheNode() async throws {
        let port = try BoundPort()
        let error = try await #require(throws: RemoteError.self) {
            try await Self.wait(port).wait(for: Self.record(port: port)) {}
        }
        #expect(error.node == "app1.wait.test")
        #expect(error.description.contains("port \(port.port) did not open"))
    }

    @Test func sshWaitFalseSendsNothingAndSaysWhy() async throws {
        let port = try BoundPort()
        let error = try await #require(throws: CloudError.self) {
            try await Self.wait(port, settings: ["ssh_wait": "false"]).wait(for: Self.record(port: port)) {
                Issue.record("the cloud is not asked either")
            }
        }
        #expect(error == .sshWaitOff(node: "app1.wait.test", server: "server-1", address: "127.0.0.1"))
        #expect(error.description.contains("ssh_wait = false"))
    }
}
