import Foundation

/// `silver update APP_DIR NODESET`, in the note's order: take the nodeset's deploy lock, set
/// up the app's services, half-deploy a new instance to every app server in parallel
/// (uploaded, installed, started, healthy, not routed), activate the first app server and
/// run `update_fetch` there, then activate the rest. A failure before or on the first node
/// leaves the previous version serving everywhere; a later failure stops the rollout and
/// reports which node serves which instance.
public struct Update: Sendable {
    public var session: NodesetSession
    public var app: AppConfig
    /// A location URL to deploy to, when the app has several.
    public var location: String?
    /// A local directory uploaded beside the instance and named by `SILVER_APP_CONFIG`.
    public var configDirectory: String?
    public var forceUnlock = false
    public var lockWait: Duration = .zero
    /// How many app servers switch at once after the first (default: all the rest).
    public var batch: Int?
    /// Old instances kept on each node after a successful deploy.
    public var keep = 5
    /// Empties the app's services' data before deploying (`update --clear`).
    public var clear = false

    public init(session: NodesetSession, app: AppConfig) {
        self.session = session
        self.app = app
    }

    public struct Report: Sendable {
        public var instance: String
        public var nodes: [String]
        /// Bytes rsync sent for the app's files, over all nodes.
        public var bytesSent: Int
        /// What each `update_fetch` returned, in order.
        public var fetched: [String]
    }

    public func run() async throws -> Report {
        let console = session.console
        let topology = try await session.topology()
        let appServers = topology.nodes(in: .appserver)
        guard let first = appServers.first else { throw DeployError.noAppServers(nodeset: session.nodeset.name) }
        let target = try AppTarget.resolve(app: app.appName, in: session.nodeset, location: location)
        let agent = NodeAgent(ssh: session.ssh, binary: try AgentBinary.locate())
        try await forEachOrThrow(topology.nodes, parallel: session.parallel, name: \.name) { try await agent.install(on: $0.reach) }

        let lock = NodesetLock(agent: agent, node: first.reach, doing: "update \(app.appName)")
        try await lock.acquire(force: forceUnlock, wait: lockWait, console: console)
        var report: Report?
        var failure: (any Error)?
        do {
            report = try await deploy(topology: topology, target: target, agent: agent)
        } catch {
            failure = error
        }
        // Cleanup and the lock's release must happen even when the run was interrupted.
        let instance = report?.instance ?? "-"
        await Task {
            await lock.release()
            await logDeploy(agent: agent, topology: topology, instance: instance, result: failure.map { RemoteError.brief($0) } ?? "ok")
        }.value
        if let failure { throw failure }
        return report!
    }

    private func deploy(topology: Topology, target: AppTarget, agent: NodeAgent) async throws -> Report {
        let console = session.console
        let appServers = topology.nodes(in: .appserver)
        let context = ServiceContext(session: session, agent: agent, topology: topology)
        let kinds = ServiceCatalog.kinds(of: app)
        if clear { try await ServiceBackup(context: context).clear(app: app.appName, kinds: kinds) }
        let serviceEnvironment = try await ServiceSetup(context: context).run(app: app.appName, kinds: kinds)

        let lists = try await forEachOrThrow(appServers, parallel: session.parallel, name: \.name) { node in
            try await agent.call("instances", [app.appName], request: Empty(), on: node.reach, as: InstanceList.self)
        }
        let instance = InstanceName.next(app: app.appName, day: InstanceName.date(), existing: lists.flatMap { $0.names + [$0.lastIssued].compactMap { $0 } })
        console.say("deploying \(app.appName) as \(instance) to \(appServers.count) app server(s)")

        let configPath = configDirectory.map { _ in "/var/lib/silverlining/config/\(instance)" }
        let environment = InstanceEnvironment.variables(
            instance: instance, app: app, target: target, services: serviceEnvironment, configDirectory: configPath)
        let record = InstanceRecord(
            name: instance, app: app.appName, port: 0, launch: app.launch.instanceLaunch, staticDirectory: app.staticDirectory,
            writableRoot: kinds.contains(.writableRoot), healthCheck: app.healthCheck,
            created: Date().timeIntervalSince1970)
        let install = InstallRequest(
            record: record, packages: app.appServerPackages, environment: environment,
            host: target.canonicalHostname)
        let upload = InstanceUpload(ssh: session.ssh, app: app, instance: instance, configDirectory: configDirectory)

        // Half-deploy: every app server gets the instance running but not routed.
        let sent: [Int]
        do {
            sent = try await forEachOrThrow(Array(zip(appServers, lists)), parallel: session.parallel, name: \.0.name) { node, list in
                let bytes = try await upload.send(to: node, previous: list.active ?? list.names.last)
                try await agent.call("install", request: install, on: node.reach, as: InstallAnswer.self, console: console)
                console.say("\(instance) is running, not yet routed", node: node.name)
                return bytes
            }
        } catch {
            await removeEverywhere(instance, agent: agent, nodes: appServers)
            throw DeployError.failedBeforeSwitching(reason: String(describing: error))
        }

        // The first app server, then update_fetch there, on the instance itself.
        let rollout = Rollout(session: session, agent: agent, topology: topology, app: app.appName, host: target.canonicalHostname)
        let first = appServers[0]
        var previous: String?
        var fetched: [String] = []
        do {
            try Task.checkCancellation()
            previous = lists[0].active
            try await rollout.switchNode(first, to: instance)
            fetched = try await UpdateFetch(session: session, agent: agent, app: app, host: target.canonicalHostname)
                .run(on: first, instance: instance)
        } catch {
            let reason = error is CancellationError ? "interrupted" : String(describing: error)
            let restored = await Task { () -> Bool in
                (try? await rollout.switchNode(first, to: previous)) != nil
            }.value
            await Task { await removeEverywhere(instance, agent: agent, nodes: appServers) }.value
            throw DeployError.firstNodeFailed(node: first.name, reason: reason, restored: restored ? previous : "an unknown instance")
        }

        // The rest.
        let rest = Array(appServers.dropFirst())
        if let (node, error) = await rollout.switchNodes(rest, to: instance, batch: batch ?? max(1, rest.count)) {
            let serving = await Task { await rollout.serving() }.value
            if error is CancellationError { throw DeployError.interrupted(serving: serving) }
            throw DeployError.rolloutStopped(node: node, reason: String(describing: error), serving: serving)
        }
        _ = await forEach(appServers, parallel: session.parallel) { node in
            try await agent.call("clean", request: CleanRequest(app: app.appName, keep: keep), on: node.reach, as: CleanAnswer.self)
        }
        let bytes = sent.reduce(0, +)
        console.say("\(app.appName): \(instance) serves on all \(appServers.count) app server(s); uploaded \(bytes) bytes")
        return Report(instance: instance, nodes: appServers.map(\.name), bytesSent: bytes, fetched: fetched)
    }

    private func removeEverywhere(_ instance: String, agent: NodeAgent, nodes: [NodeRecord]) async {
        _ = await forEach(nodes, parallel: session.parallel) { node in
            try await agent.run("remove", request: [instance], on: node.reach)
        }
    }

    private func logDeploy(agent: NodeAgent, topology: Topology, instance: String, result: String) async {
        let entry = DeployLogEntry(
            who: NodesetLock(agent: agent, node: topology.nodes[0].reach, doing: "").holder.who,
            when: Date().timeIntervalSince1970, app: app.appName, instance: instance,
            nodes: topology.nodes(in: .appserver).map(\.name), result: result)
        _ = await forEach(topology.nodes, parallel: session.parallel) { node in
            try await agent.run("log", request: entry, on: node.reach)
        }
    }
}

extension AppConfig.Launch {
    var instanceLaunch: InstanceLaunch {
        switch self {
        case .wsgi(let runner): .wsgi(runner: runner)
        case .php(let runner, let root): .php(runner: runner, root: root)
        case .command(let command): .command(command)
        }
    }
}

