import Testing

@testable import SilverLining

/// delete-node as data: the plan `RolloutPlan.removal` makes, run by the real executor against
/// the recording transport of `RolloutPlanTests`. No root, no nodes.
@Suite struct RemovalPlanTests {
    let remaining = ["app1", "mysql", "balancer"]

    func removal(appServers: [String] = ["app3", "app2"], others: [String] = [], balanced: Bool = true) -> RolloutPlan {
        .removal(
            nodeset: "shop", appServers: appServers, others: others, balanced: balanced, serviceNodes: ["mysql"], remaining: remaining,
            lockNode: "app1")
    }

    func takenOut(_ node: String) -> [RolloutStep] { [.drain(node: node), .retire(node: node), .stopInstances(node: node)] }

    func closing(_ result: String) -> [RolloutStep] {
        remaining.map { .finish(node: $0, clean: false, releaseLock: $0 == "app1", result: result) }
    }

    let rest: [RolloutStep] = [.setUpRest(nodeset: "shop"), .grants(node: "mysql")]

    @Test("each app server leaves alone, drained then out of the balancer then stopped; then the rest is set up, then destroyed")
    func order() async {
        let plan = removal()
        #expect(plan.phases.map(\.name) == [
            "take app3 out", "stop app3", "take app2 out", "stop app2", "set up the rest", "database access", "destroy",
        ])
        #expect(plan.phases.map(\.onFailure) == [.rollBack, .stop, .rollBack, .stop, .stop, .stop, .stop])
        #expect(plan.phases[4].lanes.map(\.node) == ["shop"], "setting the rest up is the nodeset's lane, not one node's")
        let transport = RecordingTransport()
        let outcome = await RolloutExecutor(transport: transport, parallel: 1).run(plan)
        #expect(outcome.ending.isCompleted)
        #expect(transport.steps == takenOut("app3") + takenOut("app2") + rest + [.destroy(node: "app3"), .destroy(node: "app2")] + closing("ok"),
            "the deploy lock is let go on the first remaining app server, last")
    }

    @Test("a drain that fails puts the app server back into rotation; nothing else is touched")
    func drainFails() async {
        let transport = RecordingTransport(failing: [.drain(node: "app3")])
        let outcome = await RolloutExecutor(transport: transport, parallel: 1).run(removal())
        guard case .rolledBack("take app3 out", "app3", .error, true) = outcome.ending else {
            Issue.record("expected a rollback at app3, got \(outcome.ending)")
            return
        }
        #expect(transport.steps == [.drain(node: "app3"), .ready(node: "app3", waitUntilUp: true)] + closing("app3: boom"))
        #expect(RolloutPlan.retired(by: outcome.started).isEmpty)
    }

    @Test("taking it out of the balancer fails: back into rotation, its instances never stop")
    func retireFails() async {
        let transport = RecordingTransport(failing: [.retire(node: "app3")])
        _ = await RolloutExecutor(transport: transport, parallel: 1).run(removal())
        #expect(transport.steps == [.drain(node: "app3"), .retire(node: "app3"), .ready(node: "app3", waitUntilUp: true)] + closing("app3: boom"))
    }

    @Test("its instances failing to stop: it stays out of the balancer, the rest is not touched, nothing is destroyed")
    func stopFails() async {
        let transport = RecordingTransport(failing: [.stopInstances(node: "app3")])
        let outcome = await RolloutExecutor(transport: transport, parallel: 1).run(removal())
        guard case .stopped("stop app3", "app3", .error) = outcome.ending else {
            Issue.record("expected a stop at app3, got \(outcome.ending)")
            return
        }
        #expect(transport.steps == takenOut("app3") + closing("app3: boom"))
        #expect(!transport.steps.contains(.ready(node: "app3", waitUntilUp: true)))
    }

    @Test("the second app server failing to drain goes back; the first, already stopped, stays out and is reported")
    func secondFails() async {
        let transport = RecordingTransport(failing: [.drain(node: "app2")])
        let outcome = await RolloutExecutor(transport: transport, parallel: 1).run(removal())
        guard case .rolledBack("take app2 out", "app2", _, true) = outcome.ending else {
            Issue.record("expected a rollback at app2, got \(outcome.ending)")
            return
        }
        #expect(transport.steps == takenOut("app3") + [.drain(node: "app2"), .ready(node: "app2", waitUntilUp: true)] + closing("app2: boom"))
        #expect(RolloutPlan.retired(by: outcome.started) == ["app3"])
    }

    @Test("interrupted while draining: the drain finishes, then the server goes back, and nothing else starts")
    func interruptedWhileDraining() async {
        let transport = RecordingTransport()
        let outcome = await transport.interrupting(at: .drain(node: "app3")) {
            await RolloutExecutor(transport: transport, parallel: 1).run(removal())
        }
        guard case .rolledBack(_, "app3", .interrupted, true) = outcome.ending else {
            Issue.record("expected an interrupted rollback, got \(outcome.ending)")
            return
        }
        #expect(transport.steps == [.drain(node: "app3"), .ready(node: "app3", waitUntilUp: true)] + closing("app3: interrupted"))
    }

    @Test("a failure setting up the rest, or in the database access, stops before anything is destroyed")
    func laterFailuresStop() async {
        for failing in rest {
            let transport = RecordingTransport(failing: [failing])
            let outcome = await RolloutExecutor(transport: transport, parallel: 1).run(removal(appServers: ["app3"]))
            guard case .stopped = outcome.ending else {
                Issue.record("expected a stop at \(failing), got \(outcome.ending)")
                continue
            }
            #expect(!transport.steps.contains(.destroy(node: "app3")))
            #expect(!transport.steps.contains(.ready(node: "app3", waitUntilUp: true)), "a stopped app server stays out")
        }
        let transport = RecordingTransport()
        let outcome = await transport.interrupting(at: .setUpRest(nodeset: "shop")) {
            await RolloutExecutor(transport: transport, parallel: 1).run(removal(appServers: ["app3"]))
        }
        guard case .stopped("database access", "mysql", .interrupted) = outcome.ending else {
            Issue.record("expected an interrupted stop, got \(outcome.ending)")
            return
        }
        #expect(transport.steps == takenOut("app3") + [.setUpRest(nodeset: "shop")] + closing("mysql: interrupted"),
            "interrupted while the rest is set up: that finishes, then nothing more starts")
    }

    @Test("without a balancer an app server is only stopped; a service node or balancer alone has no drain and no database access")
    func shapes() {
        #expect(removal(appServers: ["app2"], balanced: false).phases.flatMap(\.steps).prefix(1) == [.stopInstances(node: "app2")])
        let service = removal(appServers: [], others: ["postgresql"])
        #expect(service.phases.map(\.name) == ["set up the rest", "destroy"])
        #expect(service.phases.flatMap(\.steps) == [.setUpRest(nodeset: "shop"), .destroy(node: "postgresql")])
        #expect(service.rollback(after: service.phases.flatMap(\.steps)).isEmpty)
    }

    @Test("nodes go app servers first, the highest-numbered first, then service nodes, then the balancer")
    func deletionOrder() {
        let records = ["balancer.x", "mysql.x", "app2.x", "app10.x", "app3.x"].map { name in
            NodeRecord(
                name: name, role: name.hasPrefix("app") ? .appserver : name.hasPrefix("mysql") ? .service("mysql") : .balancer, address: "",
                providerID: "")
        }
        #expect(NodeDeletion.ordered(records).map(\.name) == ["app10.x", "app3.x", "app2.x", "mysql.x", "balancer.x"])
    }
}

/// What delete-node refuses without --force, decided before anything changes.
@Suite struct DeletionRefusalTests {
    let topology = SampleNodesets.foobarTopology

    func record(_ name: String) -> NodeRecord { SampleNodesets.record(topology, name) }

    func remaining(without names: Set<String>) -> Topology {
        var nodeset = topology.nodeset
        nodeset.nodes.removeAll { names.contains($0.name) }
        return Topology(nodeset: nodeset, records: topology.nodes.filter { !names.contains($0.name) })
    }

    @Test func theLastAppServerNeedsForce() throws {
        let appServers = topology.nodes(in: .appserver)
        let all = Set(appServers.map(\.name))
        let reachable = Set(topology.nodes.map(\.name))
        #expect(throws: DeletionError.lastAppServer(appServers.last!.name, nodeset: topology.nodeset.name)) {
            try NodeDeletion.refusals(targets: appServers, remaining: remaining(without: all), reachable: reachable, force: false)
        }
        let notes = try NodeDeletion.refusals(targets: appServers, remaining: remaining(without: all), reachable: reachable, force: true)
        #expect(notes.contains { $0.contains("goes offline") })
        let one = try NodeDeletion.refusals(
            targets: [appServers[1]], remaining: remaining(without: [appServers[1].name]), reachable: reachable, force: false)
        #expect(one.isEmpty, "one of two app servers goes without a word")
    }

    @Test func anUnreachableServiceNodeNeedsForceAndAnUnreachableAppServerIsDeletedAnyway() throws {
        let mysql = record("mysql1.foobar.com")
        #expect(throws: DeletionError.serviceUnreachable(mysql.name, address: mysql.address)) {
            try NodeDeletion.refusals(targets: [mysql], remaining: remaining(without: [mysql.name]), reachable: [], force: false)
        }
        let app = record("app2.foobar.com")
        let notes = try NodeDeletion.refusals(targets: [app], remaining: remaining(without: [app.name]), reachable: [], force: false)
        #expect(notes == ["app2.foobar.com (\(app.address)) does not answer on SSH; it is deleted anyway"])
    }

    @Test func theRefusalsSayWhatToDo() {
        let data = DeletionError.holdsData("mysql.foobar.com", kind: .mysql, apps: ["blog", "wiki"], nodesetFile: "foobar.conf")
        #expect(data.description.contains("silver backup foobar.conf blog blog-backup.tar.gz"))
        #expect(data.description.contains("silver backup foobar.conf wiki"))
        #expect(data.description.contains("--force"))
        #expect(data.exitStatus == ExitStatus.badInput)
        let stopped = DeletionError.stopped(
            node: "shop", reason: "boom", deleted: ["app3"], left: ["app2"], again: "silver delete-node shop.conf app2")
        #expect(stopped.description.contains("every remaining node still serves"))
        #expect(stopped.description.contains("Run `silver delete-node shop.conf app2` to finish"))
    }
}
