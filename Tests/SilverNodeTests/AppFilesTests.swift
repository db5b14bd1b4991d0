import Foundation
import Testing

@testable import SilverNode

/// Who owns what, checked on real files under a scratch root. The app's account is played by
/// `nobody`/`nogroup` (the tests must not add users to the machine they run on) and the
/// former app user by `www-data`, as old nodes have it.
@Suite(.enabled(if: Privileges.isRoot, "files are given to other users"))
struct AppFilesTests {
    let root: TemporaryRoot
    let account: ResolvedAccount
    let former: ResolvedAccount
    let files: AppFiles

    init() throws {
        root = try TemporaryRoot()
        account = ResolvedAccount(uid: try FileSystem.uid("nobody"), gid: try FileSystem.gid("nogroup"))
        former = ResolvedAccount(uid: try FileSystem.uid(AppAccount.formerUser), gid: try FileSystem.gid(AppAccount.formerUser))
        files = AppFiles(paths: root.paths, account: account)
    }

    /// Owner, group and mode of a path under the root, as `ls -l` would show them.
    func owner(_ absolute: String) -> String {
        guard let status = FileSystem.status(root.full(absolute)) else { return "missing" }
        let user = status.uid == 0 ? "root" : status.uid == account.uid ? "app" : status.uid == former.uid ? "www-data" : "\(status.uid)"
        let group = status.gid == 0 ? "root" : status.gid == account.gid ? "app" : status.gid == former.gid ? "www-data" : "\(status.gid)"
        return "\(user):\(group) \(String(status.mode, radix: 8))"
    }

    func give(_ absolute: String, _ ids: ResolvedAccount, mode: Int) throws {
        try FileSystem.setOwnerAndMode(root.full(absolute), mode: mode, uid: ids.uid, gid: ids.gid)
    }

    @Test("what an install writes: the environment, the log and TEMP are the app's user's alone")
    func install() throws {
        let instance = "blog.2026-11-25_001"
        try files.writeEnvironment([EnvironmentVariable(name: "A", value: "1")], of: instance)
        try files.prepareLog(instance)
        try files.freshTemporary(instance)
        #expect(owner("/var/lib/silverlining/instances/\(instance).env") == "app:app 600")
        #expect(root.read("/var/lib/silverlining/instances/\(instance).env") == #"[{"name":"A","value":"1"}]"#)
        #expect(owner("/var/log/silverlining/apps/\(instance).log") == "app:app 600")
        #expect(owner("/var/tmp/silverlining/\(instance)") == "app:app 700")
    }

    @Test("a log systemd made (root's, readable by all) becomes the app's, keeping its lines; a link in its place goes; TEMP starts empty again")
    func logAndTemporaryAgain() throws {
        let instance = "blog.2026-11-25_001"
        try root.write("/elsewhere", "root's\n")
        try FileManager.default.createDirectory(atPath: root.full("/var/log/silverlining/apps"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root.full("/var/log/silverlining/apps/\(instance).log"), withDestinationPath: root.full("/elsewhere"))
        try files.prepareLog(instance)
        #expect(owner("/elsewhere") == "root:root 644", "the link's target is left alone")
        #expect(FileSystem.status(root.full("/var/log/silverlining/apps/\(instance).log"))?.isSymbolicLink == false)
        try FileSystem.remove(root.full("/var/log/silverlining/apps/\(instance).log"))
        try root.write("/var/log/silverlining/apps/\(instance).log", "earlier line\n", mode: 0o644)
        try files.prepareLog(instance)
        #expect(owner("/var/log/silverlining/apps/\(instance).log") == "app:app 600")
        #expect(root.read("/var/log/silverlining/apps/\(instance).log") == "earlier line\n")
        try root.write("/var/tmp/silverlining/\(instance)/left-over", "x")
        try files.freshTemporary(instance)
        #expect(!root.exists("/var/tmp/silverlining/\(instance)/left-over"))
        #expect(owner("/var/tmp/silverlining/\(instance)") == "app:app 700")
    }

    @Test("an adopted deployment configuration is the app's user's alone")
    func configuration() throws {
        try root.write("/var/lib/silverlining/configs/blog.incoming/settings.ini", "password = x\n", mode: 0o644)
        try root.write("/var/lib/silverlining/configs/blog.incoming/sub/more.ini", "x\n", mode: 0o755)
        try DeploymentConfiguration(paths: root.paths).adopt(app: "blog", instance: "blog.2026-11-25_001", account: account)
        #expect(owner("/var/lib/silverlining/configs/blog") == "app:app 700")
        #expect(owner("/var/lib/silverlining/configs/blog/settings.ini") == "app:app 600")
        #expect(owner("/var/lib/silverlining/configs/blog/sub") == "app:app 700")
        #expect(owner("/var/lib/silverlining/configs/blog/sub/more.ini") == "app:app 600")
        #expect(owner("/var/lib/silverlining/configs/.blog.installed-by") == "root:root 600")
    }

    /// An app server as silver left it before apps had accounts: everything the apps wrote
    /// was `www-data`'s, environments `root:www-data 0640`, logs systemd's (0644).
    func formerNode(app: String, instance: String) throws {
        let instances = Instances(root: root)
        try instances.add(instance, created: 1)
        try root.write("/var/www/\(instance)/static/style.css", "body {}\n")
        try root.write("/var/www/\(instance)/bin/run", "#!/bin/sh\n", mode: 0o755)
        try root.write("/var/www/\(instance)/shared.txt", "group-writable at the source\n", mode: 0o664)
        try FileManager.default.createSymbolicLink(atPath: root.full("/var/www/\(instance)/static/link"), withDestinationPath: "/etc/hostname")
        try give("/var/lib/silverlining/instances/\(instance).env", ResolvedAccount(uid: 0, gid: former.gid), mode: 0o640)
        try give("/var/tmp/silverlining/\(instance)", former, mode: 0o700)
        try give("/var/tmp/silverlining/\(instance)/scratch", former, mode: 0o644)
        try root.write("/var/lib/silverlining/apps/\(app)/uploads/photo.jpg", "jpeg")
        try root.write("/var/lib/silverlining/apps/\(app)/notes.txt", "notes")
        for path in ["/var/lib/silverlining/apps/\(app)", "/var/lib/silverlining/apps/\(app)/uploads", "/var/lib/silverlining/apps/\(app)/uploads/photo.jpg",
            "/var/lib/silverlining/apps/\(app)/notes.txt"]
        {
            try give(path, former, mode: path.hasSuffix(app) ? 0o750 : 0o644)
        }
        try give("/var/lib/silverlining/apps/\(app)/uploads", former, mode: 0o755)
        try FileManager.default.createSymbolicLink(atPath: root.full("/var/lib/silverlining/apps/\(app)/outside"), withDestinationPath: root.full("/outside.txt"))
        try root.write("/outside.txt", "not the app's")
        try root.write("/var/lib/silverlining/writable-roots/\(app)/robots.txt", "User-agent: *\n")
        try give("/var/lib/silverlining/writable-roots/\(app)", former, mode: 0o755)
        try give("/var/lib/silverlining/writable-roots/\(app)/robots.txt", former, mode: 0o644)
        try root.write("/var/lib/silverlining/configs/\(app)/settings.ini", "password = x\n")
        try give("/var/lib/silverlining/configs/\(app)", ResolvedAccount(uid: 0, gid: former.gid), mode: 0o750)
        try give("/var/lib/silverlining/configs/\(app)/settings.ini", ResolvedAccount(uid: 0, gid: former.gid), mode: 0o640)
    }

    @Test("migration gives every file an app had as www-data to its account, with these modes, and only that app's")
    func migration() throws {
        let instance = "blog.2026-11-25_001"
        try formerNode(app: "blog", instance: instance)
        try formerNode(app: "wiki", instance: "wiki.2026-11-25_001")
        let before = owner("/outside.txt")

        let changes = try files.migrate(app: "blog")
        #expect(changes.count == 7, "one line for each of what blog had: \(changes)")
        let expected = [
            "/var/www/\(instance)": "root:app 750",
            "/var/www/\(instance)/app.ini": "root:app 640",
            "/var/www/\(instance)/static": "root:app 750",
            "/var/www/\(instance)/static/style.css": "root:app 640",
            "/var/www/\(instance)/bin/run": "root:app 750",
            "/var/www/\(instance)/shared.txt": "root:app 640",
            "/var/lib/silverlining/instances/\(instance).env": "app:app 600",
            "/var/lib/silverlining/instances/\(instance).json": "root:root 644",
            "/var/log/silverlining/apps/\(instance).log": "app:app 600",
            "/var/tmp/silverlining/\(instance)": "app:app 700",
            "/var/tmp/silverlining/\(instance)/scratch": "app:app 644",
            "/var/lib/silverlining/apps/blog": "app:app 700",
            "/var/lib/silverlining/apps/blog/uploads": "app:app 755",
            "/var/lib/silverlining/apps/blog/uploads/photo.jpg": "app:app 644",
            "/var/lib/silverlining/apps/blog/notes.txt": "app:app 644",
            "/var/lib/silverlining/writable-roots/blog": "app:app 750",
            "/var/lib/silverlining/writable-roots/blog/robots.txt": "app:app 644",
            "/var/lib/silverlining/configs/blog": "app:app 700",
            "/var/lib/silverlining/configs/blog/settings.ini": "app:app 600",
            // The other app is left as it was, until its own turn.
            "/var/lib/silverlining/apps/wiki": "www-data:www-data 750",
            "/var/lib/silverlining/instances/wiki.2026-11-25_001.env": "root:www-data 640",
        ]
        for (path, wanted) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(owner(path) == wanted, "\(path)")
        }
        #expect(owner("/outside.txt") == before, "a link is given away itself, never what it points at")
        #expect(FileSystem.status(root.full("/var/lib/silverlining/apps/blog/outside"))?.uid == account.uid)

        #expect(try files.migrate(app: "blog") == [], "a second run finds nothing to do")
    }

    @Test("an app with nothing on the node migrates to nothing")
    func nothing() throws {
        #expect(try files.migrate(app: "blog") == [])
    }
}

@Suite struct FormerUnitsTests {
    @Test("the former template's units, running or not, from systemctl's plain listing; other units ignored")
    func parse() {
        let listing = """
            silver-app@blog.2026-11-25_001.service loaded active   running silver app instance blog.2026-11-25_001
            silver-app@blog.2026-11-24_001.service loaded failed   failed  silver app instance blog.2026-11-24_001
            silver-app@wiki.2026-11-25_002.service loaded inactive dead    silver app instance wiki.2026-11-25_002
            silver-app@shop.2026-11-25_003.service loaded activating auto-restart silver app instance shop.2026-11-25_003
            silver-instance@blog.2026-11-25_002.service loaded active running silver app instance blog.2026-11-25_002

            """
        let units = FormerUnits.parse(listing)
        #expect(units.map(\.instance) == ["blog.2026-11-25_001", "blog.2026-11-24_001", "wiki.2026-11-25_002", "shop.2026-11-25_003"])
        #expect(units.map(\.running) == [true, false, false, true])
        #expect(FormerUnits.formerUnit("blog.2026-11-25_001") == "silver-app@blog.2026-11-25_001.service")
        #expect(NodeLayout.unit("blog.2026-11-25_001") == "silver-instance@blog.2026-11-25_001.service")
    }

    @Test("the instance unit starts as root (serve drops to the app's user), writes the log the agent made, and stops through the agent")
    func template() {
        let unit = NodeLayout.instanceUnit
        #expect(!unit.contains("User=") && !unit.contains("Group="))
        #expect(unit.contains("ExecStart=\(NodeLayout.agent) serve %i"))
        #expect(unit.contains("ExecStop=\(NodeLayout.agent) stop-process $MAINPID"))
        #expect(unit.contains("StandardOutput=append:/var/log/silverlining/apps/%i.log"))
        #expect(NodeLayout.instanceUnitPath != NodeLayout.formerUnitPath)
    }

    @Test("the directories apps live in are root's; records can be entered but not listed; TEMP's parent is no longer open to all")
    func directories() {
        for directory in NodeLayout.appserverDirectories {
            #expect(directory.owner == "root" && directory.group == "root", "\(directory.path)")
            #expect(directory.mode & 0o022 == 0, "\(directory.path) is writable by root only")
        }
        #expect(NodeLayout.appserverDirectories.first { $0.path == NodeLayout.records }?.mode == 0o711)
    }
}
