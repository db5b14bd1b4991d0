import Foundation

/// What an app server gets on top of the base: nginx as the local router from locations to
/// active instances, the systemd template that runs instances, gunicorn for WSGI apps, and
/// the directories apps live in.
public enum AppserverRole {
    public static let wsgiWrapperPath = NodeLayout.libraries + "/silverlining_wsgi.py"

    public static func plan(for node: NodeRecord, topology: Topology) -> NodePlan {
        let nodeset = topology.nodeset
        let router = RouterSettings(locations: nodeset.locations.map {
            RoutedLocation(hostname: $0.hostname, path: $0.path, app: $0.appName)
        })
        return NodePlan(
            packages: ["nginx-light", "gunicorn", "python3"],
            directories: NodeLayout.appserverDirectories,
            files: [
                PlannedFile(NodeLayout.instanceUnitPath, content: NodeLayout.instanceUnit, then: [.run(["systemctl", "daemon-reload"])]),
                PlannedFile(wsgiWrapperPath, content: wsgiWrapper),
                PlannedFile(RouterConfiguration.settingsPath, content: router.json),
            ],
            absentFiles: [PlannedAbsence("/etc/nginx/sites-enabled/default", then: [.reload(unit: "nginx")])],
            services: ["nginx"],
            router: router)
    }

    /// Loads a Silver Lining `runner` file and marks silver's own update requests in the WSGI
    /// environment (`environ['silverlining.update']`), as Silver Lining did, and whether this
    /// is the primary one (`silverlining.update.primary`: false for `update_fetch_everywhere`'s
    /// fetches on the other app servers, whose header says `secondary`). The header it reads
    /// cannot come from outside: nginx clears it on every request it forwards.
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
            _marker = environ.pop(_header, None)
            if _marker:
                environ["silverlining.update"] = True
                environ["silverlining.update.primary"] = _marker != "\(FetchRequest.marker(primary: false))"
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
