/// The node's layout as the agent keeps it: the one place that names the files and
/// directories the agent writes, the users apps run as (through `AppAccount`) and the units
/// that run them.
/// setup-node's plans create these directories; everything else asks the agent.
public enum NodeLayout {
    /// The agent itself.
    public static let agent = "/usr/local/lib/silverlining/silver-node"
    /// Programs the agent's instances load (the WSGI wrapper).
    public static let libraries = "/usr/local/lib/silverlining"
    /// Each instance's files, `/var/www/APP.YYYY-MM-DD_NNN`, as in Silver Lining.
    public static let instances = "/var/www"
    /// Each instance's record and environment, and the last name issued per app.
    public static let records = "/var/lib/silverlining/instances"
    /// One file per app naming its active instance.
    public static let activePointers = "/var/lib/silverlining/active"
    /// Each app's deployment configuration (`update --config DIR`), kept until the next one.
    public static let configs = "/var/lib/silverlining/configs"
    /// Each instance's output.
    public static let appLogs = "/var/log/silverlining/apps"
    /// Each instance's `TEMP`, emptied on every update.
    public static let temporary = "/var/tmp/silverlining"
    public static let deployLog = "/var/log/silverlining/deploys.log"
    public static let deployLock = "/var/lib/silverlining/deploy.lock"
    /// Secrets made on the node (service passwords), root-only.
    public static let secrets = "/var/lib/silverlining/secrets"
    /// The `files` service's directories, one per app.
    public static let files = "/var/lib/silverlining/apps"
    /// The `writable_root` service's directories, one per app, served by nginx.
    public static let writableRoots = "/var/lib/silverlining/writable-roots"
    /// How the router (nginx) is told the nodeset's locations.
    public static let routerSettings = "/etc/silverlining/router.json"

    // Each app runs as a user of its own, which `AppAccount` (beside this file) names;
    // nginx runs as `AppAccount.webUser`.

    public static func instanceDirectory(_ instance: String) -> String { instances + "/" + instance }
    public static func logFile(_ instance: String) -> String { appLogs + "/" + instance + ".log" }
    public static func temporaryDirectory(_ instance: String) -> String { temporary + "/" + instance }
    /// The systemd unit that runs an instance, from the `instanceUnit` template.
    public static func unit(_ instance: String) -> String { "silver-instance@\(instance).service" }

    /// The systemd template unit for instances.
    public static let instanceUnitPath = "/etc/systemd/system/silver-instance@.service"

    /// The template of nodes set up before apps had users of their own, which ran every
    /// instance as `www-data`: its units are handed over to `instanceUnit` (`FormerUnits`),
    /// then it is removed.
    public static let formerUnitPrefix = "silver-app@"
    public static let formerUnitPath = "/etc/systemd/system/silver-app@.service"

    /// What setup-node makes on an app server for the agent's instances. Only root writes
    /// them; each app's own files inside are its account's (`AppFiles`). Records are not
    /// listed to apps, but each app may open its own environment there.
    public static let appserverDirectories = [
        PlannedDirectory(instances),
        PlannedDirectory(records, mode: 0o711),
        PlannedDirectory(activePointers),
        PlannedDirectory(files),
        PlannedDirectory(writableRoots),
        PlannedDirectory(appLogs),
        PlannedDirectory(temporary),
    ]

    /// One unit per instance (`silver-instance@blog.2026-11-25_001`): the agent's `serve`
    /// verb starts as root, reads the instance's record and environment, and becomes its
    /// process as the app's user (a template cannot name a user per instance). ExecStop
    /// signals that process itself and waits for it: where systemd cannot kill through the
    /// node's cgroups (containers on some hosts: "Failed to kill control group ...
    /// Input/output error") a plain stop would wait out TimeoutStopSec and leave the
    /// instance running.
    public static let instanceUnit = """
        # Written by silver setup-node; changes here are replaced.
        [Unit]
        Description=silver app instance %i
        After=network.target

        [Service]
        Type=simple
        WorkingDirectory=\(instances)/%i
        ExecStart=\(agent) serve %i
        ExecStop=\(agent) stop-process $MAINPID
        Restart=on-failure
        RestartSec=1
        TimeoutStopSec=30
        StandardOutput=append:\(appLogs)/%i.log
        StandardError=append:\(appLogs)/%i.log

        [Install]
        WantedBy=multi-user.target

        """
}
