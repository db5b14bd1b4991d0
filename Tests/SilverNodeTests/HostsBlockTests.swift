import Testing

@testable import SilverNode

@Suite struct HostsBlockTests {
    let base = "127.0.0.1 localhost\n::1 localhost ip6-localhost\n"
    let foobar = HostsBlock(nodeset: "foobar", lines: ["10.0.0.2 app1.foobar.com app1", "10.0.0.3 balancer.foobar.com balancer"])

    @Test func appendsAfterTheOtherLines() {
        #expect(foobar.applied(to: base) == base + """
            # BEGIN silverlining nodeset foobar
            10.0.0.2 app1.foobar.com app1
            10.0.0.3 balancer.foobar.com balancer
            # END silverlining nodeset foobar

            """)
    }

    @Test("applying twice is applying once")
    func idempotent() {
        let once = foobar.applied(to: base)
        #expect(foobar.applied(to: once) == once)
        #expect(foobar.applied(to: "") == foobar.applied(to: foobar.applied(to: "")))
    }

    @Test("a file without a final newline gets one before the block")
    func missingFinalNewline() {
        #expect(foobar.applied(to: "127.0.0.1 localhost").hasPrefix("127.0.0.1 localhost\n# BEGIN silverlining nodeset foobar\n"))
    }

    @Test("replaces only its own block, keeping the lines around it")
    func replacesItsBlock() {
        let old = HostsBlock(nodeset: "foobar", lines: ["10.9.9.9 gone.foobar.com"]).applied(to: base) + "192.168.1.1 printer\n"
        let updated = foobar.applied(to: old)
        #expect(!updated.contains("10.9.9.9"))
        #expect(updated.contains("10.0.0.2 app1.foobar.com app1"))
        #expect(updated.hasPrefix(base + "192.168.1.1 printer\n"))
        #expect(updated.components(separatedBy: "# BEGIN silverlining nodeset foobar").count == 2)
    }

    @Test("two nodesets' blocks live side by side, and a similar name is another nodeset")
    func twoNodesets() {
        let foo = HostsBlock(nodeset: "foo", lines: ["10.1.0.2 app1.foo.com"])
        let both = foo.applied(to: foobar.applied(to: base))
        #expect(both.contains("# BEGIN silverlining nodeset foo\n10.1.0.2 app1.foo.com\n# END silverlining nodeset foo\n"))
        #expect(both.contains("10.0.0.2 app1.foobar.com app1"))
        let fooMoved = HostsBlock(nodeset: "foo", lines: ["10.1.0.9 app1.foo.com"])
        let updated = fooMoved.applied(to: both)
        #expect(updated.contains("10.1.0.9 app1.foo.com") && !updated.contains("10.1.0.2"))
        #expect(updated.contains(foobar.applied(to: "")))
        #expect(foobar.removed(from: updated) == fooMoved.applied(to: base))
    }

    @Test("no lines removes the block and leaves everything else as it was")
    func emptyRemoves() {
        let empty = HostsBlock(nodeset: "foobar", lines: [])
        #expect(empty.applied(to: foobar.applied(to: base)) == base)
        #expect(empty.applied(to: base) == base)
        #expect(foobar.removed(from: foobar.applied(to: base)) == base)
    }

    @Test("a file without a block and without a final newline is not changed by removing the block")
    func emptyLeavesUntouchedFileAlone() {
        let text = "127.0.0.1 localhost"
        #expect(HostsBlock(nodeset: "foobar", lines: []).applied(to: text) == text)
    }
}

@Suite struct NodePlanTests {
    @Test("merging joins lists without repeats, later files and settings win")
    func merged() {
        let hostsA = HostsBlock(nodeset: "a", lines: ["10.0.0.1 a"])
        let hostsB = HostsBlock(nodeset: "b", lines: ["10.0.0.2 b"])
        let router = RouterSettings(locations: [RoutedLocation(hostname: "h", path: "/", app: "x")])
        let first = NodePlan(
            packages: ["nginx-light", "curl"],
            directories: [PlannedDirectory("/etc/silverlining"), PlannedDirectory("/var/www", mode: 0o700)],
            files: [PlannedFile("/etc/a", content: "first"), PlannedFile("/etc/b", content: "b")],
            absentFiles: [PlannedAbsence("/etc/gone")], hostsBlock: hostsA, services: ["nftables"], router: router)
        let second = NodePlan(
            packages: ["curl", "haproxy"], directories: [PlannedDirectory("/var/www", mode: 0o755)],
            files: [PlannedFile("/etc/a", content: "second"), PlannedFile("/etc/c", content: "c")],
            absentFiles: [PlannedAbsence("/etc/gone"), PlannedAbsence("/etc/also-gone")], services: ["haproxy", "nftables"])
        let merged = first.merged(with: second)
        #expect(merged.packages == ["nginx-light", "curl", "haproxy"])
        #expect(merged.directories.map(\.path) == ["/etc/silverlining", "/var/www"])
        #expect(merged.directories[1].mode == 0o700, "the first directory of a path wins")
        #expect(merged.files.map(\.path).sorted() == ["/etc/a", "/etc/b", "/etc/c"])
        #expect(merged.files.first { $0.path == "/etc/a" }?.content == "second")
        #expect(merged.absentFiles.map(\.path) == ["/etc/gone", "/etc/also-gone"])
        #expect(merged.services == ["nftables", "haproxy"])
        #expect(merged.hostsBlock == hostsA, "the second plan has none, so the first's stays")
        #expect(merged.router == router)
        #expect(first.merged(with: NodePlan(hostsBlock: hostsB)).hostsBlock == hostsB)
        #expect(NodePlan().merged(with: NodePlan()) == NodePlan())
    }

    @Test func uniqued() {
        #expect([3, 1, 3, 2, 1].uniqued() == [3, 1, 2])
        #expect(["a1", "b1", "a2"].uniqued(by: \.first) == ["a1", "b1"])
        #expect(["a1", "b1", "a2"].uniqued(by: \.first, keepingLast: true) == ["b1", "a2"])
    }
}
