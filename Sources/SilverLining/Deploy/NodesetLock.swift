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

    /// Opens a run with one call per app server, all at once: each lists the app's instances,
    /// and the lock's node also takes the lock (see `acquire` for a lock that is held). If
    /// the lock was taken but another app server does not answer, the lock is let go again.
    public func open(app: String?, on appServers: [NodeRecord], force: Bool, wait: Duration, console: Console) async throws -> [PreludeAnswer] {
        let lockNode = node
        let holder = holder
        let agent = agent
        let outcomes = await forEach(appServers, parallel: appServers.count) { server in
            try await agent.call(
                "prelude", request: PreludeRequest(app: app, lock: server.reach == lockNode ? holder : nil), on: server.reach,
                as: PreludeAnswer.self)
        }
        let lockAnswer = zip(appServers, outcomes).first { $0.0.reach == lockNode }.flatMap { try? $0.1.get().lock }
        var answers: [PreludeAnswer] = []
        var failures: [(String, any Error)] = []
        for (server, outcome) in zip(appServers, outcomes) {
            switch outcome {
            case .success(let answer): answers.append(answer)
            case .failure(let error): failures.append((server.name, error))
            }
        }
        do {
            if !failures.isEmpty { throw FanOutError(failures: failures) }
            if let lockAnswer, !lockAnswer.done { try await acquire(after: lockAnswer, force: force, wait: wait, console: console) }
            return answers
        } catch {
            if lockAnswer?.done == true { await release() }
            throw error
        }
    }

    /// Takes the lock after a first attempt found it held. A lock whose holder was a silver
    /// on this machine that no longer runs is broken (and said so); any other held lock is
    /// waited for up to `wait`, then broken with `force` or refused with the holder's name.
    /// A lock file naming no holder (empty after a power cut) is tried again a few times, in
    /// case its writer is mid-way, then reported with `--force-unlock` as the remedy.
    public func acquire(after first: LockAnswer, force: Bool, wait: Duration, console: Console) async throws {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: wait)
        var answer = first
        var unreadableTries = 0
        var announced = false
        while !answer.done {
            if let path = answer.unreadable {
                if force {
                    console.warn("breaking the deploy lock \(path) on \(node.name), which names no holder")
                    answer = try await call(.breakLock)
                    answer = try await call(.acquire)
                    continue
                }
                unreadableTries += 1
                guard unreadableTries < Self.unreadableTries else { throw DeployError.unreadableLock(node: node.name, path: path) }
                try await Task.sleep(for: .milliseconds(300))
            } else if let current = answer.holder {
                // A zombie counts as gone: a killed run's parent may never reap it.
                let gone = current.machine == holder.machine && !ProcessTable.isAlive(current.pid)
                if force || gone {
                    console.warn("breaking the deploy lock held by \(current)" + (gone ? " (that run is gone)" : ""))
                    _ = try await call(.breakLock)
                } else {
                    guard clock.now < end else { throw DeployError.locked(holder: current) }
                    if !announced {
                        console.say("waiting for the deploy lock held by \(current)")
                        announced = true
                    }
                    try await Task.sleep(for: .milliseconds(500))
                }
            }
            answer = try await call(.acquire)
        }
    }

    /// How often a lock file that names no holder is read before it is reported.
    static let unreadableTries = 4

    func call(_ action: LockRequest.Action) async throws -> LockAnswer {
        try await agent.call("lock", request: LockRequest(action: action, holder: holder), on: node, as: LockAnswer.self)
    }

    public func release() async {
        _ = try? await call(.release)
    }
}
