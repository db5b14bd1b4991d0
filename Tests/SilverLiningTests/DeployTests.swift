import Foundation
import Testing

@testable import SilverLining

@Suite struct InstanceNameTests {
    @Test("numbered per app and day with three digits, after the highest any node has")
    func next() {
        #expect(InstanceName.next(app: "blog", day: "2026-11-25", existing: []) == "blog.2026-11-25_001")
        #expect(InstanceName.next(app: "blog", day: "2026-11-25", existing: [
            "blog.2026-11-25_001", "blog.2026-11-25_007", "blog.2026-11-25_003",
        ]) == "blog.2026-11-25_008", "after the highest, not after the count or the last")
        #expect(InstanceName.next(app: "blog", day: "2026-11-25", existing: ["blog.2026-11-24_005"]) == "blog.2026-11-25_001",
            "numbering starts again each day")
        #expect(InstanceName.next(app: "blog", day: "2026-11-25", existing: ["blog.2026-11-25_099"]) == "blog.2026-11-25_100")
        #expect(InstanceName.next(app: "blog", day: "2026-11-25", existing: ["blog.2026-11-25_999"]) == "blog.2026-11-25_1000")
    }

    @Test("other apps, look-alike names and junk do not count")
    func othersIgnored() {
        let existing = [
            "wiki.2026-11-25_009", "blogger.2026-11-25_004", "xblog.2026-11-25_006", "blog.2026-11-25_junk",
            "blog.2026-11-25_", "blog.2026-11-25_002",
        ]
        #expect(InstanceName.next(app: "blog", day: "2026-11-25", existing: existing) == "blog.2026-11-25_003")
    }

    @Test("the day is UTC's")
    func date() {
        #expect(InstanceName.date(Date(timeIntervalSince1970: 1709251199)) == "2024-02-29")  // 23:59:59 UTC
        #expect(InstanceName.date(Date(timeIntervalSince1970: 1709251200)) == "2024-03-01")
    }
}

@Suite struct AppTargetTests {
    let nodeset = SampleNodesets.foobar

    @Test("an app's locations are found by its name, in the nodeset's order")
    func byName() throws {
        let blog = try AppTarget.resolve(app: "blog", in: nodeset)
        #expect(blog.locations.map(\.url) == ["http://foobar.com/", "http://www.foobar.com/"])
        #expect(blog.primary.url == "http://foobar.com/")
        let wiki = try AppTarget.resolve(app: "wiki", in: nodeset)
        #expect(wiki.locations.map(\.url) == ["http://foobar.com/wiki/"])
    }

    @Test("--location picks the primary among the app's locations, however the URL is spelled")
    func locationNarrows() throws {
        for asked in ["http://www.foobar.com/", "http://WWW.foobar.com", "www.foobar.com/", "https://www.foobar.com"] {
            let target = try AppTarget.resolve(app: "blog", in: nodeset, location: asked)
            #expect(target.primary.url == "http://www.foobar.com/", "\(asked)")
            #expect(target.locations.map(\.url) == ["http://www.foobar.com/", "http://foobar.com/"])
        }
        #expect(try AppTarget.resolve(app: "wiki", in: nodeset, location: "http://foobar.com/wiki").primary.url == "http://foobar.com/wiki/")
    }

    @Test("an unknown location is refused with the list of the nodeset's locations")
    func unknownLocation() {
        let error = #expect(throws: DeployError.self) {
            try AppTarget.resolve(app: "blog", in: nodeset, location: "http://foobar.com/nope/")
        }
        #expect(error?.description == """
            http://foobar.com/nope/ is not a location of foobar; its locations are:
              http://foobar.com/ blog
              http://foobar.com/wiki/ wiki
              http://www.foobar.com/ blog
            Add a line `URL blog` to [appserver] locations.
            """)
        #expect(error?.exitStatus == ExitStatus.badInput)
    }

    @Test("an app no location serves is refused, naming the app")
    func appWithoutLocation() {
        let error = #expect(throws: DeployError.self) { try AppTarget.resolve(app: "shop", in: nodeset) }
        #expect(error?.description.hasPrefix("no location of foobar serves the app shop; its locations are:\n") == true)
        var empty = nodeset
        empty.locations = []
        let none = #expect(throws: DeployError.self) { try AppTarget.resolve(app: "shop", in: empty) }
        #expect(none?.description == "no location of foobar serves the app shop; it has none\nAdd a line `URL shop` to [appserver] locations.")
    }

    @Test("a location that serves another app is refused, naming both")
    func locationOfAnotherApp() {
        let error = #expect(throws: DeployError.self) {
            try AppTarget.resolve(app: "blog", in: nodeset, location: "http://foobar.com/wiki/")
        }
        #expect(error?.description == "http://foobar.com/wiki/ serves wiki, not blog")
        #expect(error?.exitStatus == ExitStatus.badInput)
    }

    @Test("the canonical host name is the shortest of the app's, alphabetical on a tie")
    func canonicalHostname() {
        func target(_ urls: [String]) -> AppTarget {
            AppTarget(app: "a", locations: urls.map { Location(url: $0, appName: "a") })
        }
        #expect(target(["http://www.foobar.com/", "http://foobar.com/blog/"]).canonicalHostname == "foobar.com")
        #expect(target(["http://bb.com/", "http://ab.com/"]).canonicalHostname == "ab.com")
        #expect(target(["http://only.example/"]).canonicalHostname == "only.example")
    }
}

@Suite struct InstanceEnvironmentTests {
    let app = AppConfig(
        directory: "/src/blog", appName: "blog", launch: .wsgi(runner: "app.py"),
        environment: [
            EnvironmentVariable(name: "DEBUG", value: "0"),
            EnvironmentVariable(name: "CONFIG_MYSQL_HOST", value: "override.example"),
            EnvironmentVariable(name: "DEBUG", value: "1"),
        ])

    var target: AppTarget {
        AppTarget(app: "blog", locations: [
            Location(url: "http://www.foobar.com/blog/", appName: "blog"), Location(url: "http://foobar.com/", appName: "blog"),
        ])
    }

    let services = [
        EnvironmentVariable(name: "CONFIG_MYSQL_HOST", value: "mysql1.foobar.com"),
        EnvironmentVariable(name: "CONFIG_MYSQL_DBNAME", value: "blog"),
    ]

    @Test("Silver Lining's variables, then services, then env.* lines; a later value wins in the first one's place")
    func variables() {
        let variables = InstanceEnvironment.variables(instance: "blog.2026-11-25_001", app: app, target: target, services: services)
        #expect(variables.map { "\($0.name)=\($0.value)" } == [
            "SILVER_VERSION=silverlining/0.1",
            "SILVER_INSTANCE_NAME=blog.2026-11-25_001",
            "SILVER_APP_NAME=blog",
            "SILVER_MATCH_PATH=/blog",
            "SILVER_CANONICAL_HOSTNAME=foobar.com",
            "CONFIG_MYSQL_HOST=override.example",
            "CONFIG_MYSQL_DBNAME=blog",
            "DEBUG=1",
        ])
    }

    @Test("where the instance keeps its files is the agent's to say: silver names none of those paths")
    func noNodePaths() {
        let variables = InstanceEnvironment.variables(instance: "blog.2026-11-25_001", app: app, target: target, services: [])
        #expect(!variables.contains { ["SILVER_LOGS", "TEMP", "TMPDIR", "SILVER_APP_CONFIG", "PORT"].contains($0.name) })
    }
}

@Suite struct InstanceUploadTests {
    let upload = InstanceUpload(
        ssh: SSH(privateKey: "/keys/id_ed25519", knownHosts: "/keys/known_hosts"),
        app: AppConfig(directory: "/src/blog", appName: "blog", launch: .command("serve")), configDirectory: nil)

    @Test("--link-dest points at the previous instance's directory when there is one")
    func linkDest() {
        let linked = upload.arguments(linkTo: "/srv/instances/blog.2026-11-25_001/")
        #expect(linked.last == "--link-dest=/srv/instances/blog.2026-11-25_001/")
        #expect(linked.filter { $0.hasPrefix("--link-dest") }.count == 1)
        // --checksum: two versions of a file with the same size and time (written in the same
        // second, as a build or a checkout does) must not be taken for one and linked.
        // Root's and the app's group's (its user and nginx), nothing for other apps.
        #expect(upload.arguments(linkTo: nil) == [
            "-rlpt", "--checksum", "--chown=root:silver-blog", "--chmod=D750,Fg+r,Fg-w,Fo-rwx", "--stats", "--mkpath", "--exclude=.git/", "--exclude=.hg/", "--exclude=.svn/",
            "--exclude=__pycache__/", "--exclude=*.pyc", "--exclude=.DS_Store",
        ])
    }

    @Test("uploads go where the agent says it keeps instances")
    func directories() {
        let directories = UploadDirectories(instances: "/srv/instances", configs: "/srv/configs")
        #expect(directories.instance("blog.2026-11-25_002") == "/srv/instances/blog.2026-11-25_002/")
        #expect(directories.config(app: "blog") == "/srv/configs/blog.incoming/")
    }

    @Test("bytes sent are read from rsync's --stats, with or without thousands separators")
    func bytesSent() {
        let stats = """
            Number of files: 12 (reg: 10, dir: 2)
            Total file size: 48,213 bytes
            Total bytes sent: 1,234,567
            Total bytes received: 310

            sent 1,234,567 bytes  received 310 bytes  2,469,754.00 bytes/sec
            """
        #expect(InstanceUpload.bytesSent(stats) == 1_234_567)
        #expect(InstanceUpload.bytesSent("Total bytes sent: 88\n") == 88)
        #expect(InstanceUpload.bytesSent("") == 0)
        #expect(InstanceUpload.bytesSent("rsync error: some files could not be transferred (code 23)") == 0)
    }
}

@Suite struct DeployErrorTests {
    let holder = LockHolder(who: "alice@laptop", machine: "laptop", pid: 42, since: 1709210096, doing: "update blog", token: "t")

    @Test("a failure on the first node says nothing else was switched and what it serves now")
    func firstNode() {
        #expect(DeployError.firstNodeFailed(node: "app1.foobar.com", reason: "health check failed", restored: "blog.2026-11-24_001")
            .description == """
            app1.foobar.com: health check failed
            No other node was switched, and app1.foobar.com serves blog.2026-11-24_001 again.
            """)
        #expect(DeployError.firstNodeFailed(node: "app1.foobar.com", reason: "boom", restored: nil).description
            .hasSuffix("and app1.foobar.com serves nothing for this app again, as before."))
    }

    @Test("a stopped rollout and an interruption list what every node serves, by node name")
    func serving() {
        let serving = ["app2.foobar.com": "blog.2026-11-24_001", "app1.foobar.com": "blog.2026-11-25_001"]
        #expect(DeployError.rolloutStopped(node: "app2.foobar.com", reason: "unreachable", serving: serving).description == """
            app2.foobar.com: unreachable
            The rollout stopped. Now serving:
              app1.foobar.com: blog.2026-11-25_001
              app2.foobar.com: blog.2026-11-24_001
            """)
        #expect(DeployError.interrupted(serving: serving).description.hasPrefix("interrupted. Now serving:\n  app1.foobar.com: "))
    }

    @Test("the other failures say what happened and what to do")
    func others() {
        #expect(DeployError.failedBeforeSwitching(reason: "upload failed").description
            == "upload failed\nNo node was switched: the previous version still serves everywhere.")
        #expect(DeployError.locked(holder: holder).description.contains("alice@laptop (pid 42 on laptop), doing `update blog`"))
        #expect(DeployError.locked(holder: holder).description.contains("--force-unlock"))
        #expect(DeployError.noSuchInstance(app: "blog", instance: "blog.x", node: "app1").description.hasPrefix("app1 has no instance blog.x of blog"))
        #expect(DeployError.noAppServers(nodeset: "foobar").description == "foobar has no app servers to deploy to")
        #expect(DeployError.notDeployed(app: "blog", nodeset: "foobar").exitStatus == ExitStatus.failure)
    }
}
