import Foundation

/// What an app server gets on top of the base: nginx as the local router from locations to
/// active instances, the systemd template that runs instances, gunicorn and silver's Python
/// loader, PHP's master runner, `silversupport`, the nodeset's secret, and the directories
/// apps live in.
public enum AppserverRole {
    /// Where nodes set up by earlier versions of silver kept the Python loader.
    static let formerWSGIWrapper = NodeLayout.libraries + "/silverlining_wsgi.py"

    /// - Parameter appSecret: the nodeset's secret (`NodesetSecret`), the same for every
    ///   app server; written readable by root and the apps only.
    public static func plan(for node: NodeRecord, topology: Topology, appSecret: String) -> NodePlan {
        let nodeset = topology.nodeset
        let router = RouterSettings(locations: nodeset.locations.map {
            RoutedLocation(hostname: $0.hostname, path: $0.path, app: $0.appName)
        })
        let python = AppRuntime.pythonDirectory
        return accounts(for: router.apps).merged(with: NodePlan(
            packages: ["nginx-light", "gunicorn", "python3", "python3-pastedeploy"],
            directories: [
                PlannedDirectory(python),
                PlannedDirectory(python + "/silversupport"),
                PlannedDirectory(AppRuntime.phpDirectory),
            ],
            files: [
                // An empty unit file masks Debian's own PHP-FPM service before php8.2-fpm is
                // installed for a PHP app: each instance runs a PHP-FPM master of its own.
                PlannedFile("/etc/systemd/system/\(PHPRuntime.systemService)", content: "", then: [.run(["systemctl", "daemon-reload"])]),
                PlannedFile(python + "/silverlining_runner.py", content: PythonRunnerSource.runner),
                PlannedFile(python + "/silverlining_wsgi.py", content: PythonRunnerSource.wsgi),
                PlannedFile(python + "/silversupport/__init__.py", content: SilverSupportSource.initFile),
                PlannedFile(python + "/silversupport/env.py", content: SilverSupportSource.env),
                PlannedFile(python + "/silversupport/secret.py", content: SilverSupportSource.secret),
                PlannedFile(AppRuntime.phpMasterRunner, content: PHPRunnerSource.masterRunner),
                PlannedFile(AppRuntime.phpFunctions, content: PHPRunnerSource.functions),
                PlannedFile(AppRuntime.secretPath, content: appSecret, mode: 0o640, group: AppAccount.sharedGroup),
                PlannedFile(RouterConfiguration.settingsPath, content: router.json),
            ],
            absentFiles: [
                PlannedAbsence("/etc/nginx/sites-enabled/default", then: [.reload(unit: "nginx")]),
                PlannedAbsence(formerWSGIWrapper),
            ],
            services: ["nginx"],
            router: router))
    }

    /// What `apps` need on an app server before anything of theirs is made there: their
    /// accounts, the directories instances live in and the template that runs them. Also
    /// what moves a node set up before apps had accounts to them (`AppServerAccounts`), so
    /// update and activate apply it too, and an app server that missed setup-node still
    /// migrates before its next deploy.
    public static func accounts(for apps: [String]) -> NodePlan {
        NodePlan(
            directories: NodeLayout.appserverDirectories,
            files: [PlannedFile(NodeLayout.instanceUnitPath, content: NodeLayout.instanceUnit, then: [.run(["systemctl", "daemon-reload"])])],
            appAccounts: apps)
    }
}

extension Encodable {
    /// Sorted-key JSON, so that an unchanged value writes an unchanged file.
    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)).map { $0 + "\n" } ?? ""
    }
}
