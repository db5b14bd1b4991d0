import Synchronization
import Testing

@testable import SilverLining

/// The rollout as data: the plans `update` and `activate` make, run by the real executor
/// against a transport that records each step instead of reaching a node. No root, no nodes.
@Suite struct RolloutPlanTests {
    static let old = "blog.2026-11-29_004"
    static let new = "blog.2026-11-30_001"
    let servers = ["app1", "app2", "app3"].map { RolloutPlan.AppServer(name: $0, serving: RolloutPlanTests.old) }
    let nodes = ["app1", "app2", "app3", "mysql1", "balancer"]

    func update(batch: Int = 1, balanced: Bool = true, fetches: Bool = true) -> RolloutPlan {
        .update(app: "blog", instance: Self.new, appServers: servers, balanced: balanced, fetches: fetches, batch: batch, nodes: nodes)
    }

    func closing(clean: Bool, result: String) -> [RolloutStep] {
        nodes.map { .finish(node: $0, clean: clean && $0.hasPrefix("app"), releaseLock: $0 == "app1", result: result) }
    }

    func switched(_ node: String, to instance: String?, fetch: Bool = false) -> [RolloutStep] {
        [.drain(node: node), .activate(node: node, instance: instance), .ready(node: node, waitUntilUp: instance != nil)]
            + (fetch ? [.fetch(node: node, instance: instance!, primary: true)] : [])
    }

    let staged: [RolloutStep] = ["app1", "app2", "app3"].flatMap {
        [RolloutStep.upload(node: $0, instance: RolloutPlanTests.new), .install(node: $0, instance: RolloutPlanTests.new)]
    }
    var removed: [RolloutStep] { ["app1", "app2", "app3"].map { .remove(node: $0, instance: Self.new) } }

    @Test("update: stage everywhere, then the first app server with update_fetch, then the rest a batch at a time")
    func updatePlan() {
        let plan = update(batch: 1)
        #expect(plan.phases.map(\.name) == ["stage", "first app server", "app servers 2 to 2", "app servers 3 to 3"])
        #expect(plan.phases.map(\.onFailure) == [.rollBack, .rollBack, .stop, .stop])
        #expect(plan.phases[0].steps == staged)
        #expect(plan.phases[1].steps == switched("app1", to: Self.new, fetch: true))
        #expect(plan.phases[2].steps == switched("app2", to: Self.new))
        #expect(update(batch: 5).phases.map(\.name) == ["stage", "first app server", "app servers 2 to 3"],
            "a batch larger than the rest switches them all at once")
        #expect(update(batch: 5).phases[2].lanes.map(\.node) == ["app2", "app3"])
        #expect(update(balanced: false, fetches: false).phases[1].steps == [.activate(node: "app1", instance: Self.new)],
            "without a balancer nothing is drained; without update_fetch nothing is fetched")
    }

    @Test("with a soak, the first app server is watched after update_fetch, each later one for a third as long")
    func soakPlan() {
        let plan = RolloutPlan.update(
            app: "blog", instance: Self.new, appServers: servers, balanced: true, fetches: true, soak: 6, batch: 2, nodes: nodes)
        #expect(plan.phases[1].steps == switched("app1", to: Self.new, fetch: true) + [.soak(node: "app1", instance: Self.new, seconds: 6)])
        #expect(plan.phases[2].lanes.map(\.steps) == ["app2", "app3"].map { switched($0, to: Self.new) + [.soak(node: $0, instance: Self.new, seconds: 2)] })
        #expect(RolloutPlan.laterSoak(1) == 1 && RolloutPlan.laterSoak(0) == 0)
    }

    @Test("a release that dies while the first app server is watched is switched back there, and no other node switches")
    func soakFailsOnFirst() async {
        let plan = RolloutPlan.update(
            app: "blog", instance: Self.new, appServers: servers, balanced: true, fetches: false, soak: 5, batch: 1, nodes: nodes)
        let transport = RecordingTransport(failing: [.soak(node: "app1", instance: Self.new, seconds: 5)])
        let outcome = await RolloutExecutor(transport: transport, parallel: 1).run(plan)
        guard case .rolledBack("first app server", "app1", .error, true) = outcome.ending else {
            Issue.record("expected a rollback at app1, got \(outcome.ending)")
            return
        }
        #expect(transport.steps == staged + switched("app1", to: Self.new) + [.soak(node: "app1", instance: Self.new, seconds: 5)]
            + switched("app1", to: Self.old) + removed + closing(clean: false, result: "app1: boom"))
    }

    @Test("the only app server behind a balancer is switched in place: drained, the app would have no server at all")
    func onlyAppServerIsNotDrained() {
        let plan = RolloutPlan.update(
            app: "blog", instance: Self.new, appServers: [servers[0]], balanced: true, fetches: true, batch: 1, nodes: ["app1", "balancer"])
        #expect(plan.phases[1].steps == [.activate(node: "app1", instance: Self.new), .fetch(node: "app1", instance: Self.new, primary: true)])
    }

    @Test("a whole update, in order: each node drained, switched and back in rotation; the lock let go last")
    func updateRuns() async {
        let transport = RecordingTransport()
        let outcome = await RolloutExecutor(transport: transport, parallel: 1).run(update(batch: 1))
        #expect(outcome.ending.isCompleted)
        #expect(transport.steps == staged + switched("app1", to: Self.new, fetch: true) + switched("app2", to: Self.new)
            + switched("app3", to: Self.new) + closing(clean: true, result: "ok"))
    }

    @Test("the first app server failing to switch: it goes back, no other node is touched, the new instance is removed")
    func firstNodeFails() async {
        let transport = RecordingTransport(failing: [.activate(node: "app1", instance: Self.new)])
        let outcome = await RolloutExecutor(transport: transport, parallel: 1).run(update())
        guard case .rolledBack(let phase, let node, .error, let restored) = outcome.ending else {
            Issue.record("expected a rollback, got \(outcome.ending)")
            return
        }
        #expect(phase == "first app server" && node == "app1" && restored)
        #expect(transport.steps == staged
            + [.drain(node: "app1"), .activate(node: "app1", instance: Self.new), .ready(node: "app1", waitUntilUp: true)]
            + switched("app1", to: Self.old) + removed + closing(clean: false, result: "app1: boom"))
    }

    @Test("update_fetch failing on the first app server rolls it back the same way")
    func fetchFails() async {
        let transport = RecordingTransport(failing: [.fetch(node: "app1", instance: Self.new, primary: true)])
        let outcome = await RolloutExecutor(transport: transport, parallel: 1).run(update())
        guard case .rolledBack(_, "app1", _, true) = outcome.ending else {
            Issue.record("expected a rollback at app1, got \(outcome.ending)")
            return
        }
        #expect(transport.steps == staged + switched("app1", to: Self.new, fetch: true) + switched("app1", to: Self.old) + removed
            + closing(clean: false, result: "app1: boom"))
    }

    @Test("a failure while staging switches nothing and removes the new instance from every app server it reached")
    func stageFails() async {
        let transport = RecordingTransport(failing: [.install(node: "app2", instance: Self.new)])
        let outcome = await RolloutExecutor(transport: transport, parallel: 1).run(update())
        guard case .rolledBack("stage", "app2", _, true) = outcome.ending else {
            Issue.record("expected a rollback in stage at app2, got \(outcome.ending)")
            return
        }
        #expect(transport.steps == staged + removed + closing(clean: false, result: "app2: boom"))
        #expect(!transport.steps.contains { if case .activate = $0 { true } else { false } })
    }

    @Test("a later app server failing stops the rollout: it is back in rotation, the rest untouched, nothing undone")
    func laterNodeFails() async {
        let transport = RecordingTransport(failing: [.activate(node: "app2", instance: Self.new)])
        let outcome = await RolloutExecutor(transport: transport, parallel: 1).run(update(batch: 1))
        guard case .stopped("app servers 2 to 2", "app2", .error) = outcome.ending else {
            Issue.record("expected a stop at app2, got \(outcome.ending)")
            return
        }
        #expect(transport.steps == staged + switched("app1", to: Self.new, fetch: true) + switched("app2", to: Self.new)
            + closing(clean: false, result: "app2: boom"))
    }

    @Test("in a batch, the others finish their switch; the failing one is reported")
    func failureInBatch() async {
        let transport = RecordingTransport(failing: [.drain(node: "app3")])
        let outcome = await RolloutExecutor(transport: transport, parallel: 1).run(update(batch: 2))
        guard case .stopped(_, "app3", _) = outcome.ending else {
            Issue.record("expected a stop at app3, got \(outcome.ending)")
            return
        }
        #expect(transport.steps == staged + switched("app1", to: Self.new, fetch: true) + switched("app2", to: Self.new)
            + [.drain(node: "app3"), .ready(node: "app3", waitUntilUp: true)] + closing(clean: false, result: "app3: boom"),
            "a drain that failed may have drained the server half-way: it is put back")
    }

    @Test("interrupted while the first app server switches: the switch finishes, then is undone, and nothing else switches")
    func interruptedOnFirstNode() async {
        let transport = RecordingTransport()
        let outcome = await transport.interrupting(at: .activate(node: "app1", instance: Self.new)) {
            await RolloutExecutor(transport: transport, parallel: 1).run(update())
        }
        guard case .rolledBack("first app server", "app1", .interrupted, true) = outcome.ending else {
            Issue.record("expected an interrupted rollback, got \(outcome.ending)")
            return
        }
        #expect(transport.steps == staged
            + [.drain(node: "app1"), .activate(node: "app1", instance: Self.new), .ready(node: "app1", waitUntilUp: true)]
            + switched("app1", to: Self.old) + removed + closing(clean: false, result: "app1: interrupted"))
    }

    @Test("interrupted in the middle of the rest: the node switching finishes and is back in rotation; later ones never start")
    func interruptedInTheRest() async {
        let transport = RecordingTransport()
        let outcome = await transport.interrupting(at: .drain(node: "app2")) {
            await RolloutExecutor(transport: transport, parallel: 1).run(update(batch: 1))
        }
        guard case .stopped("app servers 2 to 2", "app2", .interrupted) = outcome.ending else {
            Issue.record("expected an interrupted stop at app2, got \(outcome.ending)")
            return
        }
        #expect(transport.steps == staged + switched("app1", to: Self.new, fetch: true)
            + [.drain(node: "app2"), .ready(node: "app2", waitUntilUp: true)] + closing(clean: false, result: "app2: interrupted"))
    }

    @Test("interrupted between batches: the next batch never starts")
    func interruptedBetweenBatches() async {
        let transport = RecordingTransport()
        let outcome = await transport.interrupting(at: .ready(node: "app2", waitUntilUp: true)) {
            await RolloutExecutor(transport: transport, parallel: 1).run(update(batch: 1))
        }
        guard case .stopped("app servers 3 to 3", "app3", .interrupted) = outcome.ending else {
            Issue.record("expected an interrupted stop at app3, got \(outcome.ending)")
            return
        }
        #expect(transport.steps == staged + switched("app1", to: Self.new, fetch: true) + switched("app2", to: Self.new)
            + closing(clean: false, result: "app3: interrupted"))
    }

    @Test("a new instance that cannot be removed afterwards does not make the rollback a failure: app1 serves what it did")
    func removalFailsAfterRollback() async {
        let transport = RecordingTransport(failing: [.fetch(node: "app1", instance: Self.new, primary: true), .remove(node: "app2", instance: Self.new)])
        let outcome = await RolloutExecutor(transport: transport, parallel: 1).run(update())
        guard case .rolledBack(_, "app1", _, true) = outcome.ending else {
            Issue.record("expected a restored rollback, got \(outcome.ending)")
            return
        }
        #expect(transport.steps.contains(.remove(node: "app3", instance: Self.new)), "the other removals still run")
    }

    @Test("an undo step that fails is reported: the run says the first node's state is unknown")
    func undoFails() async {
        let transport = RecordingTransport(failing: [.fetch(node: "app1", instance: Self.new, primary: true), .activate(node: "app1", instance: Self.old)])
        let outcome = await RolloutExecutor(transport: transport, parallel: 1).run(update())
        guard case .rolledBack(_, "app1", _, false) = outcome.ending else {
            Issue.record("expected an unrestored rollback, got \(outcome.ending)")
            return
        }
        #expect(transport.steps.suffix(nodes.count) == closing(clean: false, result: "app1: boom")[...], "the lock is let go anyway")
    }

    @Test("activate: start everywhere, then switch like an update without fetching; a failure on the first switches it back only")
    func activatePlan() async {
        let servers = servers.map { RolloutPlan.AppServer(name: $0.name, serving: Self.new) }
        let plan = RolloutPlan.activate(app: "blog", instance: Self.old, appServers: servers, balanced: true, batch: 2, nodes: nodes)
        #expect(plan.phases.map(\.name) == ["start", "first app server", "app servers 2 to 3"])
        let started: [RolloutStep] = ["app1", "app2", "app3"].map { .start(node: $0, instance: Self.old) }
        #expect(plan.phases[0].steps == started)
        #expect(plan.phases[1].steps == switched("app1", to: Self.old))

        let transport = RecordingTransport(failing: [.activate(node: "app1", instance: Self.old)])
        let outcome = await RolloutExecutor(transport: transport, parallel: 1).run(plan)
        guard case .rolledBack("first app server", "app1", _, true) = outcome.ending else {
            Issue.record("expected a rollback, got \(outcome.ending)")
            return
        }
        #expect(transport.steps == started + switched("app1", to: Self.old) + switched("app1", to: Self.new)
            + nodes.map { .finish(node: $0, clean: false, releaseLock: $0 == "app1", result: "app1: boom") },
            "nothing is removed: the instances were there before")
    }

    @Test("a first deploy rolled back routes the first app server to nothing again, without waiting for it to be up")
    func firstDeployRollsBackToNothing() async {
        let fresh = servers.map { RolloutPlan.AppServer(name: $0.name, serving: nil) }
        let plan = RolloutPlan.update(app: "blog", instance: Self.new, appServers: fresh, balanced: true, fetches: true, batch: 1, nodes: nodes)
        #expect(plan.rollback(after: [.activate(node: "app1", instance: Self.new)]).map(\.steps) == [switched("app1", to: nil)])
    }

    @Test("update_fetch_everywhere: each later app server fetches on its new instance, not as the primary, before it is drained")
    func fetchEverywherePlan() async {
        let plan = RolloutPlan.update(
            app: "blog", instance: Self.new, appServers: servers, balanced: true, fetches: true, fetchEverywhere: true, batch: 1, nodes: nodes)
        #expect(plan.phases[1].steps == switched("app1", to: Self.new, fetch: true), "the first app server's fetch is the primary, after it switched")
        #expect(plan.phases[2].steps == [.fetch(node: "app2", instance: Self.new, primary: false)] + switched("app2", to: Self.new))
        let transport = RecordingTransport()
        _ = await RolloutExecutor(transport: transport, parallel: 1).run(plan)
        #expect(transport.steps.filter { if case .fetch = $0 { true } else { false } } == [
            .fetch(node: "app1", instance: Self.new, primary: true), .fetch(node: "app2", instance: Self.new, primary: false),
            .fetch(node: "app3", instance: Self.new, primary: false),
        ], "one fetch per app server, the first primary")
        let without = RolloutPlan.update(
            app: "blog", instance: Self.new, appServers: servers, balanced: true, fetches: false, fetchEverywhere: true, batch: 1, nodes: nodes)
        #expect(!without.phases.flatMap(\.steps).contains { if case .fetch = $0 { true } else { false } }, "no update_fetch, nothing to fetch anywhere")
    }

    @Test("a failing secondary fetch keeps that app server on its old instance, never drained; the rollout stops as for any later node")
    func secondaryFetchFails() async {
        let failing = RolloutStep.fetch(node: "app2", instance: Self.new, primary: false)
        let plan = { (batch: Int) in
            RolloutPlan.update(
                app: "blog", instance: Self.new, appServers: servers, balanced: true, fetches: true, fetchEverywhere: true, batch: batch,
                nodes: nodes)
        }
        let transport = RecordingTransport(failing: [failing])
        let outcome = await RolloutExecutor(transport: transport, parallel: 1).run(plan(1))
        guard case .stopped("app servers 2 to 2", "app2", .error) = outcome.ending else {
            Issue.record("expected a stop at app2, got \(outcome.ending)")
            return
        }
        #expect(transport.steps == staged + switched("app1", to: Self.new, fetch: true) + [failing] + closing(clean: false, result: "app2: boom"),
            "app2 was never drained, so nothing puts it back; app3 never starts")

        let batched = RecordingTransport(failing: [failing])
        _ = await RolloutExecutor(transport: batched, parallel: 1).run(plan(2))
        #expect(batched.steps.contains(.activate(node: "app3", instance: Self.new)), "the other app server of the batch switches")
        #expect(!batched.steps.contains(.activate(node: "app2", instance: Self.new)))
    }

    @Test("stage lanes run side by side up to the bound; a phase waits for all its lanes")
    func parallelStage() async {
        let transport = RecordingTransport()
        _ = await RolloutExecutor(transport: transport, parallel: 3).run(update())
        let steps = transport.steps
        let lastStage = steps.lastIndex { if case .install = $0 { true } else { false } }!
        let firstSwitch = steps.firstIndex(of: .drain(node: "app1"))!
        #expect(lastStage < firstSwitch)
        #expect(transport.maxInFlight == 3)
        for node in ["app1", "app2", "app3"] {
            #expect(steps.filter { $0.node == node }.prefix(2) == [.upload(node: node, instance: Self.new), .install(node: node, instance: Self.new)][...])
        }
    }
}

/// A transport that records the steps it is given, fails the ones it is told to, and can
/// interrupt the run (cancel its task) when it reaches a given step.
final class RecordingTransport: RolloutTransport {
    struct Boom: Error, CustomStringConvertible {
        var description: String { "boom" }
    }

    private let state = Mutex<(steps: [RolloutStep], inFlight: Int, maxInFlight: Int)>(([], 0, 0))
    private let run = Mutex<Task<RolloutExecutor.Outcome, Never>?>(nil)
    private let trigger = Mutex<RolloutStep?>(nil)
    let failing: Set<RolloutStep>

    init(failing: Set<RolloutStep> = []) {
        self.failing = failing
    }

    var steps: [RolloutStep] { state.withLock { $0.steps } }
    var maxInFlight: Int { state.withLock { $0.maxInFlight } }

    func perform(_ step: RolloutStep) async throws {
        state.withLock {
            $0.steps.append(step)
            $0.inFlight += 1
            $0.maxInFlight = max($0.maxInFlight, $0.inFlight)
        }
        if trigger.withLock({ $0 }) == step {
            while run.withLock({ $0 }) == nil { await Task.yield() }
            run.withLock { $0?.cancel() }
        }
        // Long enough for lanes that can run together to overlap.
        try? await Task.sleep(for: .milliseconds(5))
        state.withLock { $0.inFlight -= 1 }
        if failing.contains(step) { throw Boom() }
    }

    /// Runs `body` in a task that is cancelled, as Ctrl-C cancels a rollout, when `step` is performed.
    func interrupting(at step: RolloutStep, _ body: @escaping @Sendable () async -> RolloutExecutor.Outcome) async -> RolloutExecutor.Outcome {
        trigger.withLock { $0 = step }
        let task = Task { await body() }
        run.withLock { $0 = task }
        return await task.value
    }
}
