/// An app server's side of per-app accounts, as setup-node and update apply it (a plan's
/// `appAccounts`): every app the node has or is told of gets its account, its files move to
/// it, and instances still running as `www-data` are handed over. The first run on a node
/// set up before apps had accounts is the migration; later runs find nothing to do.
struct AppServerAccounts: Sendable {
    var paths = NodePaths()
    var runner = CommandRunner()
    var progress: @Sendable (String) -> Void = { _ in }

    /// The apps named, those with instances here and those the router has locations for.
    func apps(named: [String]) -> [String] {
        let routed = (try? Activation(paths: paths, runner: runner).routerSettings().apps) ?? []
        return (named + InstanceRegistry(paths: paths).all().map(\.app) + routed).uniqued()
    }

    /// Before the rest of the plan: the accounts (which its directories may name), nginx
    /// reloaded if it joined a group, and every app's files moved to its account.
    func prepare(_ named: [String], dryRun: Bool) async throws -> [String] {
        let apps = apps(named: named)
        let accounts = try await AppAccounts(runner: runner).ensure(apps, dryRun: dryRun)
        guard !dryRun else { return accounts.lines }
        // Workers get the web server's groups when they start: before any instance directory
        // closes to others, every worker must be one that can still read it.
        if accounts.webServerJoined { try await NginxWorkers(runner: runner).reloadForGroups() }
        var changes = accounts.lines
        for app in apps {
            changes += try AppFiles(paths: paths, account: try AppAccount(app: app).resolved()).migrate(app: app)
        }
        return changes
    }

    /// After the rest of the plan, which writes the instance template: instances of the
    /// former template move to their apps' users, and then the nodeset's secret, which they
    /// read as `www-data`, goes to the apps' shared group (setup-node's plan writes it so;
    /// this is for an update on a node that has not been set up again).
    func finish(dryRun: Bool) async throws -> [String] {
        guard !dryRun else {
            return try await FormerUnits(paths: paths, runner: runner).listed().filter(\.running)
                .map { "moved \($0.instance) to its app's user" }
        }
        var changes = try await FormerUnits(paths: paths, runner: runner, progress: progress).handOver()
        if try NodesetSecretFile(paths: paths).shareWithApps() { changes.append("gave \(AppRuntime.secretPath) to \(AppAccount.sharedGroup)") }
        return changes
    }
}
