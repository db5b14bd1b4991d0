import Foundation

/// How create-node waits for a new cloud server to answer on SSH: it polls port 22 until it
/// opens, and every `checkEvery` asks the cloud whether the server is still up, so that a
/// server that fails after it started (Nova's ACTIVE then ERROR) is reported as what the
/// cloud says rather than as a timeout.
public struct CloudSSHWait: Sendable {
    public var timeout: Duration
    public var checkEvery: Duration
    /// `[provider] ssh_wait = false`: for API emulators (mimic, moto), whose servers exist
    /// only as records and whose made-up addresses must never be sent a packet.
    public var enabled: Bool
    public var port: Int

    public init(
        settings: ProviderSettings, timeout: Duration = .seconds(300), checkEvery: Duration = .seconds(15), port: Int = 22
    ) {
        self.timeout = timeout
        self.checkEvery = checkEvery
        self.port = port
        enabled = settings.settings["ssh_wait"].flatMap(ValueSyntax.bool) ?? true
    }

    /// Returns once `port` (SSH's) of the record's address accepts connections. `stillUp` throws
    /// when the cloud says the server failed or is gone.
    public func wait(for record: NodeRecord, stillUp: @Sendable () async throws -> Void) async throws {
        guard enabled else {
            throw CloudError.sshWaitOff(node: record.name, server: record.providerID, address: record.address)
        }
        guard !record.address.isEmpty else {
            throw CloudError.noAddress(node: record.name, server: record.providerID)
        }
        let deadline = ContinuousClock.now + timeout
        while true {
            let left = deadline - ContinuousClock.now
            if left <= .zero { break }
            if await TCPProbe.waitUntilOpen(address: record.address, port: port, deadline: min(checkEvery, left)) { return }
            try Task.checkCancellation()
            try await stillUp()
        }
        throw RemoteError.unreachable(
            node: record.name, address: record.address,
            reason: "port \(port) did not open within \(timeout.components.seconds) s of the server running")
    }
}

/// Failures between a cloud server running and silver reaching it.
public enum CloudError: UserFacingError, Equatable {
    case sshWaitOff(node: String, server: String, address: String)
    case noAddress(node: String, server: String)

    public var exitStatus: Int32 { ExitStatus.failure }

    public var description: String {
        switch self {
        // FanOutError names the node before these.
        case .sshWaitOff(_, let server, let address):
            "server \(server) (\(address.isEmpty ? "no address" : address)) runs and is recorded, but silver did not "
                + "wait for it to answer on SSH ([provider] ssh_wait = false): its host keys are not pinned, so "
                + "setup-node cannot use it. Remove ssh_wait and run create-node again, or `silver destroy-node` it"
        case .noAddress(_, let server):
            "server \(server) runs but the cloud gives it no IPv4 address silver can reach; "
                + "it is recorded, and `silver destroy-node` removes it"
        }
    }
}
