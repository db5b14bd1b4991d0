import Synchronization

/// How the executor reaches nodes: performs one step. The real one speaks to the agents and
/// the balancer (`AgentTransport`); tests record the steps instead.
public protocol RolloutTransport: Sendable {
    func perform(_ step: RolloutStep) async throws
}

/// Runs a `RolloutPlan`: phase after phase, each phase's lanes at once (at most `parallel`),
/// each lane's steps in order. A step, once started, is never cut off half-way: an
/// interruption (the run's task cancelled, as Ctrl-C does) is seen between steps. When a
/// phase fails or the run is interrupted, the plan's rules decide what is undone, and the
/// closing phase (log, lock) runs whatever happened.
public struct RolloutExecutor: Sendable {
    public var transport: any RolloutTransport
    public var parallel: Int

    public init(transport: any RolloutTransport, parallel: Int = NodesetSession.defaultParallel) {
        self.transport = transport
        self.parallel = max(1, parallel)
    }

    /// Why a run did not complete.
    public enum Failure: Sendable, CustomStringConvertible {
        case error(any Error)
        case interrupted

        public var description: String {
            switch self {
            case .error(let error): String(describing: error)
            case .interrupted: "interrupted"
            }
        }
    }

    public enum Ending: Sendable {
        case completed
        /// A phase with `rollBack` failed at `node`; `restored` says whether every undo step
        /// succeeded.
        case rolledBack(phase: String, node: String, failure: Failure, restored: Bool)
        /// A phase with `stop` failed at `node`: nodes switched before it keep serving.
        case stopped(phase: String, node: String, failure: Failure)
    }

    /// A step the run started, and how it ended.
    public struct Entry: Sendable {
        public var step: RolloutStep
        public var error: (any Error)?
    }

    public struct Outcome: Sendable {
        public var ending: Ending
        /// Every lane of the phase that ended the run that failed, in lane order.
        public var failures: [(node: String, failure: Failure)]
        /// Every step the run started, in the order they started, undo and closing included.
        public var journal: [Entry]

        public var started: [RolloutStep] { journal.map(\.step) }
    }

    public func run(_ plan: RolloutPlan) async -> Outcome {
        let journal = Journal()
        var ending = Ending.completed
        var failures: [(node: String, failure: Failure)] = []
        phases: for phase in plan.phases {
            failures = await run(phase, journal: journal)
            guard let (node, failure) = failures.first else { continue }
            switch phase.onFailure {
            case .rollBack:
                var restored = true
                // Restored means every app server serves what it did before; an old instance
                // left behind by a failed removal does not change that.
                for undo in plan.rollback(after: journal.steps) {
                    let failed = await run(undo, journal: journal, unstoppable: true)
                    if !failed.isEmpty, undo.steps.contains(where: \.isSwitch) { restored = false }
                }
                ending = .rolledBack(phase: phase.name, node: node, failure: failure, restored: restored)
            case .stop:
                ending = .stopped(phase: phase.name, node: node, failure: failure)
            }
            break phases
        }
        _ = await run(plan.closing(completed: ending.isCompleted, result: ending.result), journal: journal, unstoppable: true)
        return Outcome(ending: ending, failures: failures, journal: journal.entries)
    }

    /// Only a closing phase, for a run that ends before its plan runs (its services could not
    /// be set up, the instance asked for is missing): the deploy log, and the lock let go.
    public func close(_ closing: RolloutPhase) async {
        _ = await Task { await run(closing, journal: Journal(), unstoppable: true) }.value
    }

    /// Runs a phase's lanes; returns the failing lanes' nodes and failures, in lane order.
    /// An `unstoppable` phase (undo, closing) runs to its end even after an interruption.
    func run(_ phase: RolloutPhase, journal: Journal, unstoppable: Bool = false) async -> [(node: String, failure: Failure)] {
        let outcomes = await forEach(phase.lanes, parallel: parallel) { lane in
            await run(lane, journal: journal, unstoppable: unstoppable)
        }
        return zip(phase.lanes, outcomes).compactMap { lane, outcome in
            guard case .success(let failure?) = outcome else { return nil }
            return (lane.node, failure)
        }
    }

    /// A lane cut short still runs its `alwaysRuns` steps, once it has started to switch: a
    /// lane that failed before (a secondary update_fetch) never left the rotation.
    func run(_ lane: RolloutLane, journal: Journal, unstoppable: Bool) async -> Failure? {
        var failure: Failure?
        var switching = false
        for step in lane.steps {
            if failure == nil, !unstoppable, Task.isCancelled { failure = .interrupted }
            guard failure == nil || (step.alwaysRuns && switching) else { continue }
            if step.isSwitch { switching = true }
            if let error = await perform(step, journal: journal), failure == nil { failure = .error(error) }
        }
        return failure
    }

    /// One step, in a task of its own so that an interruption never cuts it off half-way.
    func perform(_ step: RolloutStep, journal: Journal) async -> (any Error)? {
        let transport = transport
        let index = journal.start(step)
        let error = await Task { () -> (any Error)? in
            do {
                try await transport.perform(step)
                return nil
            } catch {
                return error
            }
        }.value
        journal.end(index, error: error)
        return error
    }
}

extension RolloutExecutor.Ending {
    public var isCompleted: Bool {
        if case .completed = self { return true }
        return false
    }

    /// One line for the deploy log.
    var result: String {
        switch self {
        case .completed: "ok"
        case .rolledBack(_, let node, let failure, _), .stopped(_, let node, let failure):
            "\(node): " + (String(describing: failure).split(separator: "\n").first.map(String.init) ?? "failed")
        }
    }
}

/// The steps a run started, shared by its lanes.
final class Journal: Sendable {
    private let storage = Mutex<[RolloutExecutor.Entry]>([])

    func start(_ step: RolloutStep) -> Int {
        storage.withLock { entries in
            entries.append(RolloutExecutor.Entry(step: step, error: nil))
            return entries.count - 1
        }
    }

    func end(_ index: Int, error: (any Error)?) {
        storage.withLock { $0[index].error = error }
    }

    var entries: [RolloutExecutor.Entry] { storage.withLock { $0 } }
    var steps: [RolloutStep] { entries.map(\.step) }
}
