import Foundation

/// What an app server gets on top of the base: nginx as the local router from locations to
/// active instances, the systemd template that runs instances, gunicorn and silver's Python
/// loader, PHP's master runner, `silversupport`, the nodeset's secret, and the directories
/// apps live in.
public enum AppserverRole {
    public static let instanceUnit = "silver-app@.service"
    /// Apps run as this user, as in Silver Lining.
    public static let appUser = AppRuntime.appUser
    /// Where nodes set up by earlier versions of silver kept the Python loader.
    static let formerWSGIWrapper = "/usr/local/lib/silverlining/silverlining_wsgi.py"

    /// - Parameter appSecret: the nodeset's secret (`NodesetSecret`), the same for every
    ///   app server; written readable by root and the apps only.
    public static func plan(for node: NodeRecord, topology: Topology, appSecret: String) -> NodePlan {
        let nodeset = topology.nodeset
        let router = RouterSettings(locations: nodeset.locations.map {
            RoutedLocation(hostname: $0.hostname, path: $0.path, app: $0.appName)
        })
        let python = AppRuntime.pythonDirectory
        return NodePlan(
            packages: ["nginx-light", "gunicorn", "python3", "python3-pastedeploy"],
            directories: [
                PlannedDirectory("/var/www"),
                PlannedDirectory("/var/lib/silverlining/instances", mode: 0o750, group: appUser),
                PlannedDirectory("/var/lib/silverlining/active"),
                PlannedDirectory("/var/lib/silverlining/apps", owner: appUser, group: appUser),
                PlannedDirectory("/var/lib/silverlining/writable-roots", owner: appUser, group: appUser),
                PlannedDirectory("/var/log/silverlining/apps", owner: appUser, group: "adm"),
                PlannedDirectory("/var/tmp/silverlining", mode: 0o1777),
                PlannedDirectory(python),
                PlannedDirectory(python + "/silversupport"),
                PlannedDirectory(AppRuntime.phpDirectory),
            ],
            files: [
                PlannedFile("/etc/systemd/system/\(instanceUnit)", content: unit, then: [.run(["systemctl", "daemon-reload"])]),
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
                PlannedFile(AppRuntime.secretPath, content: appSecret, mode: 0o640, group: appUser),
                PlannedFile(RouterConfiguration.settingsPath, content: router.json),
            ],
            absentFiles: [
                PlannedAbsence("/etc/nginx/sites-enabled/default", then: [.reload(unit: "nginx")]),
                PlannedAbsence(formerWSGIWrapper),
            ],
            services: ["nginx"],
            router: router)
    }

    /// One unit per instance (`silver-app@blog.2026-11-25_001`): the agent's `serve` verb
    /// reads the instance's record and environment and becomes its process. ExecStop signals
    /// that process itself and waits for it: where systemd cannot kill through the node's
    /// cgroups (containers on some hosts: "Failed to kill control group ... Input/output
    /// error") a plain stop would wait out TimeoutStopSec and leave the instance running.
    static let unit = """
        # Written by silver setup-node; changes here are replaced.
        [Unit]
        Description=silver app instance %i
        After=network.target

        [Service]
        Type=simple
        User=\(appUser)
        Group=\(appUser)
        WorkingDirectory=/var/www/%i
        ExecStart=\(AgentBinary.remotePath) serve %i
        ExecStop=/bin/sh -c 'kill -TERM ${MAINPID} 2>/dev/null; while kill -0 ${MAINPID} 2>/dev/null; do sleep 0.1; done'
        Restart=on-failure
        RestartSec=1
        TimeoutStopSec=30
        StandardOutput=append:/var/log/silverlining/apps/%i.log
        StandardError=append:/var/log/silverlining/apps/%i.log

        [Install]
        WantedBy=multi-user.target

        """
}

extension Encodable {
    /// Sorted-key JSON, so that an unchanged value writes an unchanged file.
    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)).map { $0 + "\n" } ?? ""
    }
}
