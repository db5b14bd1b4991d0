import Foundation

/// What an app server gets on top of the base: nginx as the local router from locations to
/// active instances, the systemd template that runs instances, gunicorn for WSGI apps, and
/// the directories apps live in.
public enum AppserverRole {
    public static let instanceUnit = "silver-app@.service"
    /// Apps run as this user, as in Silver Lining.
    public static let appUser = "www-data"
    public static let wsgiWrapperPath = "/usr/local/lib/silverlining/silverlining_wsgi.py"

    public static func plan(for node: NodeRecord, topology: Topology) -> NodePlan {
        let nodeset = topology.nodeset
        let router = RouterSettings(locations: nodeset.locations.map {
            RoutedLocation(hostname: $0.hostname, path: $0.path, app: $0.appName)
        })
        return NodePlan(
            packages: ["nginx-light", "gunicorn", "python3"],
            directories: [
                PlannedDirectory("/var/www"),
                PlannedDirectory("/var/lib/silverlining/instances", mode: 0o750, group: appUser),
                PlannedDirectory("/var/lib/silverlining/active"),
                PlannedDirectory("/var/lib/silverlining/apps", owner: appUser, group: appUser),
                PlannedDirectory("/var/lib/silverlining/writable-roots", owner: appUser, group: appUser),
                PlannedDirectory("/var/log/silverlining/apps", owner: appUser, group: "adm"),
                PlannedDirectory("/var/tmp/silverlining", mode: 0o1777),
            ],
            files: [
                PlannedFile("/etc/systemd/system/\(instanceUnit)", content: unit, then: [.run(["systemctl", "daemon-reload"])]),
                PlannedFile(wsgiWrapperPath, content: wsgiWrapper),
                PlannedFile(RouterConfiguration.settingsPath, content: router.json),
            ],
            absentFiles: [PlannedAbsence("/etc/nginx/sites-enabled/default", then: [.reload(unit: "nginx")])],
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

    /// Loads a Silver Lining `runner` file and marks silver's own update requests in the WSGI
    /// environment (`environ['silverlining.update']`), as Silver Lining did. The header it
    /// reads cannot come from outside: nginx clears it on every request it forwards.
    static let wsgiWrapper = """
        # Written by silver setup-node; changes here are replaced.
        import os
        import runpy
        import sys

        _runner = os.environ["SILVER_RUNNER"]
        sys.path.insert(0, os.path.dirname(os.path.abspath(_runner)))
        _app = runpy.run_path(_runner, run_name="silverlining_runner")["application"]
        _header = "HTTP_\(RouterConfiguration.updateHeader.uppercased().replacingOccurrences(of: "-", with: "_"))"


        def application(environ, start_response):
            if environ.pop(_header, None):
                environ["silverlining.update"] = True
            return _app(environ, start_response)

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
