import Foundation

/// `silver update APP_DIR NODESET`, in the note's order: take the nodeset's deploy lock, set
/// up the app's services, half-deploy a new instance to every app server in parallel
/// (uploaded, installed, started, healthy, not routed), activate the first app server and
/// run `update_fetch` there, then activate the rest. The switching is a `RolloutPlan` run by
/// the `RolloutExecutor`: a failure before or on the first node leaves the previous version
/// serving everywhere; a later failure stops the rollout and reports which node serves which
/// instance.
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
    /// Seconds the first app server is watched after it switched (later batches: a third as
    /// long); 0 watches nothing.
    public var soak = Update.defaultSoak

    public static let defaultSoak = 5

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

        let lock = NodesetLock(agent: agent, node: first.reach, doing: "update \(app.appName)")
        let preludes = try await lock.open(app: app.appName, on: appServers, force: forceUnlock, wait: lockWait, console: console)
        let lists = preludes.map { $0.instances ?? InstanceList(names: [], active: nil) }
        let instance = InstanceName.next(
            app: app.appName, day: InstanceName.date(), existing: lists.flatMap { $0.names + [$0.lastIssued].compactMap { $0 } })
        let plan = RolloutPlan.update(
            app: app.appName, instance: instance,
            appServers: zip(appServers, lists).map { RolloutPlan.AppServer(name: $0.name, serving: $1.active) },
            balanced: topology.balancer != nil, checksConfig: app.deploymentConfig.checker != nil, fetches: !app.updateFetch.isEmpty,
            fetchEverywhere: app.updateFetchEverywhere, soak: soak, batch: batch ?? max(1, appServers.count - 1),
            nodes: topology.nodes.map(\.name))
        var transport = AgentTransport(
            session: session, agent: agent, topology: topology, app: app.appName, host: target.canonicalHostname, lock: lock.holder,
            keep: keep,
            log: DeployLogEntry(
                who: lock.holder.who, when: 0, app: app.appName, instance: instance, nodes: appServers.map(\.name), result: ""))
        let executor = RolloutExecutor(transport: transport, parallel: session.parallel)

        let kinds = ServiceCatalog.kinds(of: app)
        let serviceEnvironment: [EnvironmentVariable]
        do {
            // config.required: refused before anything changes, as Silver Lining refused it.
            if app.deploymentConfig.required, configDirectory == nil, app.deploymentConfig.defaultDirectory == nil, !preludes[0].hasConfig {
                throw DeployError.configRequired(app: app.appName, node: first.name)
            }
            let context = ServiceContext(session: session, agent: agent, topology: topology)
            if clear { try await ServiceBackup(context: context).clear(app: app.appName, kinds: kinds) }
            serviceEnvironment = try await ServiceSetup(context: context).run(app: app.appName, kinds: kinds)
        } catch {
            await executor.close(plan.closing(completed: false, result: RemoteError.brief(error)))
            throw error
        }

        console.say("deploying \(app.appName) as \(instance) to \(appServers.count) app server(s)")
        let record = InstanceRecord(
            name: instance, app: app.appName, port: 0, launch: app.launch.instanceLaunch, staticDirectory: app.staticDirectory,
            writableRoot: kinds.contains(.writableRoot), healthCheck: app.healthCheck, created: Date().timeIntervalSince1970)
        transport.staging = AgentTransport.Staging(
            upload: InstanceUpload(ssh: session.ssh, app: app, configDirectory: configDirectory),
            install: InstallRequest(
                record: record, packages: app.appServerPackages,
                environment: InstanceEnvironment.variables(instance: instance, app: app, target: target, services: serviceEnvironment),
                host: target.canonicalHostname, configDefault: app.deploymentConfig.defaultDirectory,
                packageInstallScripts: app.packageInstallScripts, afterInstallScripts: app.afterInstallScripts),
            directories: preludes[0].uploads,
            linkTo: Dictionary(uniqueKeysWithValues: zip(appServers, lists).compactMap { node, list in
                (list.active ?? list.names.last).map { (node.name, $0) }
            }))
        transport.fetch = UpdateFetch(session: session, agent: agent, app: app, host: target.canonicalHostname)
        transport.configChecker = app.deploymentConfig.checker

        let outcome = await RolloutExecutor(transport: transport, parallel: session.parallel).run(plan)
        try await outcome.check(plan, session: session, agent: agent, topology: topology)
        let bytes = transport.results.bytesSent
        console.say("\(app.appName): \(instance) serves on all \(appServers.count) app server(s); uploaded \(bytes) bytes")
        return Report(instance: instance, nodes: appServers.map(\.name), bytesSent: bytes, fetched: transport.results.fetched)
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
