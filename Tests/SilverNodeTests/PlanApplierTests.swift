import Foundation
import Testing

@testable import SilverNode

@Suite(.enabled(if: Privileges.isRoot, "files are planned as owned by root, which only root can set"))
struct PlanApplierTests {
    let root: TemporaryRoot

    init() throws { root = try TemporaryRoot() }

    func applier(dryRun: Bool = false) -> PlanApplier {
        PlanApplier(paths: root.paths, dryRun: dryRun, manageSystem: false)
    }

    var plan: NodePlan {
        NodePlan(
            packages: ["never-installed-under-a-scratch-root"],
            directories: [
                PlannedDirectory("/etc/silverlining"), PlannedDirectory("/var/lib/private", mode: 0o750),
                PlannedDirectory("/var/tmp/silverlining", mode: 0o1777),
            ],
            files: [
                PlannedFile("/etc/silverlining/nodeset.conf", content: "appserver = app1 10.0.0.2\n"),
                PlannedFile("/usr/local/bin/tool", content: "#!/bin/sh\n", mode: 0o755),
            ],
            absentFiles: [PlannedAbsence("/etc/nginx/sites-enabled/default"), PlannedAbsence("/etc/never-there")],
            hostsBlock: HostsBlock(nodeset: "foobar", lines: ["10.0.0.2 app1.foobar.com app1"]),
            services: ["never-started"])
    }

    func prepare() throws {
        try root.write("/etc/hosts", "127.0.0.1 localhost\n", mode: 0o644)
        try root.write("/etc/nginx/sites-enabled/default", "server {}\n")
    }

    let everything = [
        "made /etc/silverlining", "made /var/lib/private", "made /var/tmp/silverlining", "wrote /etc/silverlining/nodeset.conf", "wrote /usr/local/bin/tool",
        "removed /etc/nginx/sites-enabled/default", "updated the nodeset's block in /etc/hosts",
    ]

    @Test("the first apply makes everything and says so; the second changes nothing")
    func applyTwice() async throws {
        try prepare()
        let first = try await applier().apply(plan)
        #expect(first.changes == everything)
        #expect(root.read("/etc/silverlining/nodeset.conf") == "appserver = app1 10.0.0.2\n")
        #expect(root.mode("/etc/silverlining/nodeset.conf") == 0o644)
        #expect(root.mode("/usr/local/bin/tool") == 0o755)
        #expect(root.mode("/var/lib/private") == 0o750)
        #expect(root.mode("/var/tmp/silverlining") == 0o1777, "the sticky bit is part of the mode")
        #expect(!root.exists("/etc/nginx/sites-enabled/default"))
        #expect(root.read("/etc/hosts") == """
            127.0.0.1 localhost
            # BEGIN silverlining nodeset foobar
            10.0.0.2 app1.foobar.com app1
            # END silverlining nodeset foobar

            """)
        #expect(root.listing().allSatisfy { !$0.contains(".silver-") }, "no temporary file is left behind")

        let second = try await applier().apply(plan)
        #expect(second.changes == [])
    }

    @Test("changed content is rewritten; a changed mode or owner alone is only set")
    func changes() async throws {
        try prepare()
        _ = try await applier().apply(plan)

        try root.write("/etc/silverlining/nodeset.conf", "edited by hand\n", mode: 0o644)
        #expect(try await applier().apply(plan).changes == ["wrote /etc/silverlining/nodeset.conf"])
        #expect(root.read("/etc/silverlining/nodeset.conf") == "appserver = app1 10.0.0.2\n")

        #expect(chmod(root.full("/usr/local/bin/tool"), 0o600) == 0)
        #expect(try await applier().apply(plan).changes == ["set owner and mode of /usr/local/bin/tool"])
        #expect(root.mode("/usr/local/bin/tool") == 0o755)

        #expect(chown(root.full("/usr/local/bin/tool"), 65534, 65534) == 0)
        #expect(try await applier().apply(plan).changes == ["set owner and mode of /usr/local/bin/tool"])
        let owner = try FileManager.default.attributesOfItem(atPath: root.full("/usr/local/bin/tool"))[.ownerAccountID] as? Int
        #expect(owner == 0)

        #expect(chmod(root.full("/var/lib/private"), 0o777) == 0)
        #expect(try await applier().apply(plan).changes == ["made /var/lib/private"])
        #expect(root.mode("/var/lib/private") == 0o750)

        try root.write("/etc/nginx/sites-enabled/default", "back again\n")
        #expect(try await applier().apply(plan).changes == ["removed /etc/nginx/sites-enabled/default"])
        #expect(try await applier().apply(plan).changes == [])
    }

    @Test("a dry run reports what a real run then does, and touches nothing")
    func dryRun() async throws {
        try prepare()
        let before = root.listing()
        let hosts = root.read("/etc/hosts")
        let predicted = try await applier(dryRun: true).apply(plan)
        #expect(root.listing() == before)
        #expect(root.read("/etc/hosts") == hosts)
        #expect(root.exists("/etc/nginx/sites-enabled/default"))
        #expect(predicted.changes == everything)
        #expect(try await applier().apply(plan) == predicted)
        #expect(try await applier(dryRun: true).apply(plan).changes == [])
    }

    @Test("the router's settings become nginx's file for the instances active now")
    func router() async throws {
        let settings = RouterSettings(locations: [RoutedLocation(hostname: "foobar.com", path: "/", app: "blog")])
        let report = try await applier().apply(NodePlan(router: settings))
        #expect(report.changes == ["wrote \(RouterConfiguration.path)"])
        #expect(root.read(RouterConfiguration.path) == RouterConfiguration.render(settings, active: [:]))
    }

    @Test("an owner the node does not have is an error naming it")
    func unknownOwner() async throws {
        let plan = NodePlan(files: [PlannedFile("/etc/x", content: "x", owner: "silver-no-such-user")])
        let error = await #expect(throws: AgentError.self) { try await applier().apply(plan) }
        #expect(error?.description == "no user silver-no-such-user on this node")
        #expect(!root.exists("/etc/x"))
        // A dry run says what it would write: the plan's app accounts would make the owner first.
        let directory = NodePlan(directories: [PlannedDirectory("/var/x", owner: "silver-no-such-user")])
        #expect(try await applier(dryRun: true).apply(plan.merged(with: directory)).changes == ["made /var/x", "wrote /etc/x"])
        #expect(!root.exists("/etc/x") && !root.exists("/var/x"))
    }
}
