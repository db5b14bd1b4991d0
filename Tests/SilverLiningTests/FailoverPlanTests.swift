import Testing

@testable import SilverLining

/// The rollout of `silver failover`, run by the real executor against the recording
/// transport: app servers one at a time, each drained, restarted with the new primary and
/// back in rotation; a failure stops where it is and undoes nothing.
@Suite struct FailoverPlanTests {
    let servers = ["app1", "app2", "app3"]
    let nodes = ["app1", "app2", "app3", "mysql2", "balancer"]

    func plan(balanced: Bool = true) -> RolloutPlan {
        .failover(service: "mysql", primary: "mysql2", appServers: servers, balanced: balanced, nodes: nodes)
    }

    func restarted(_ node: String) -> [RolloutStep] {
        [.drain(node: node), .reconfigure(node: node), .ready(node: node, waitUntilUp: true)]
    }

    func closing(_ result: String) -> [RolloutStep] {
        nodes.map { .finish(node: $0, clean: false, releaseLock: $0 == "app1", result: result) }
    }

    @Test("one app server at a time, each drained, restarted and back in rotation; nothing ever rolls back")
    func shape() {
        let plan = plan()
        #expect(plan.kind == .failover && plan.lockNode == "app1")
        #expect(plan.phases.map(\.name) == ["app server 1", "app server 2", "app server 3"])
        #expect(plan.phases.allSatisfy { $0.onFailure == .stop && $0.lanes.count == 1 })
        #expect(plan.phases.map(\.steps) == servers.map(restarted))
        #expect(self.plan(balanced: false).phases.map(\.steps) == servers.map { [.reconfigure(node: $0)] },
            "without a balancer there is nothing to drain")
        #expect(plan.rollback(after: plan.phases.flatMap(\.steps)).isEmpty)
    }

    @Test("a whole failover runs in order and closes on every node, the lock let go on the first app server")
    func runs() async {
        let transport = RecordingTransport()
        let outcome = await RolloutExecutor(transport: transport, parallel: 4).run(plan())
        #expect(outcome.ending.isCompleted)
        #expect(Array(transport.steps.prefix(9)) == servers.flatMap(restarted), "one app server at a time, whatever the bound")
        #expect(Set(transport.steps.dropFirst(9)) == Set(closing("ok")) && transport.steps.count == 9 + nodes.count)
    }

    @Test("an app server that fails to restart is put back into rotation, and the rest are not touched")
    func stopsAtAFailure() async {
        let transport = RecordingTransport(failing: [.reconfigure(node: "app2")])
        let outcome = await RolloutExecutor(transport: transport, parallel: 1).run(plan())
        guard case .stopped("app server 2", "app2", .error) = outcome.ending else {
            Issue.record("expected a stop at app2, got \(outcome.ending)")
            return
        }
        #expect(transport.steps == restarted("app1") + restarted("app2") + closing("app2: boom"))
    }

    @Test("interrupted while an app server restarts: it finishes and is back in rotation; the next never starts")
    func interrupted() async {
        let transport = RecordingTransport()
        let plan = plan()
        let outcome = await transport.interrupting(at: .reconfigure(node: "app1")) {
            await RolloutExecutor(transport: transport, parallel: 1).run(plan)
        }
        guard case .stopped("app server 1", "app1", .interrupted) = outcome.ending else {
            Issue.record("expected an interrupted stop at app1, got \(outcome.ending)")
            return
        }
        #expect(transport.steps == restarted("app1") + closing("app1: interrupted"))
    }
}
