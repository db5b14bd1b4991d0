import Foundation

/// The nodeset's deploy lock, kept by the agent on the first app server. Two deploys never
/// switch nodes at the same time; the second is told who holds the lock.
public struct NodesetLock: Sendable {
    public var agent: NodeAgent
    public var node: NodeAddress
    public var holder: LockHolder

    public init(agent: NodeAgent, node: NodeAddress, doing: String) {
        self.agent = agent
        self.node = node
        let user = ProcessInfo.processInfo.environment["SUDO_USER"] ?? ProcessInfo.processInfo.environment["USER"] ?? "root"
        let machine = ProcessInfo.processInfo.hostName
        holder = LockHolder(
            who: "\(user)@\(machine)", machine: machine, pid: getpid(), since: Date().timeIntervalSince1970, doing: doing,
            token: UUID().uuidString)
    }

    /// Takes the lock. A lock whose holder was a silver on this machine that no longer runs
    /// is broken (and said so); any other held lock is waited for up to `wait`, then broken
    /// with `force` or refused with the holder's name.
    public func acquire(force: Bool, wait: Duration, console: Console) async throws {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: wait)
        var announced = false
        while true {
            let answer = try await agent.call("lock", request: LockRequest(action: .acquire, holder: holder), on: node, as: LockAnswer.self)
            if answer.done { return }
            guard let current = answer.holder else { continue }
            // A zombie counts as gone: a killed run's parent may never reap it.
            let gone = current.machine == holder.machine && !ProcessTable.isAlive(current.pid)
            if force || gone {
                console.warn("breaking the deploy lock held by \(current)" + (gone ? " (that run is gone)" : ""))
                _ = try await agent.call("lock", request: LockRequest(action: .breakLock, holder: holder), on: node, as: LockAnswer.self)
                continue
            }
            guard clock.now < end else { throw DeployError.locked(holder: current) }
            if !announced {
                console.say("waiting for the deploy lock held by \(current)")
                announced = true
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    public func release() async {
        _ = try? await agent.call("lock", request: LockRequest(action: .release, holder: holder), on: node, as: LockAnswer.self)
    }
}
