import Foundation
import Testing

@testable import SilverNode

@Suite struct AppAccountNamingTests {
    @Test(
        "an app name that fits is kept after the prefix, so no app takes over a system account",
        arguments: [
            ("blog", "silver-blog"), ("mysql", "silver-mysql"), ("www-data", "silver-www-data"), ("root", "silver-root"),
            ("2048", "silver-2048"), ("my_app-2", "silver-my_app-2"), (String(repeating: "a", count: 25), "silver-" + String(repeating: "a", count: 25)),
        ])
    func direct(app: String, user: String) {
        let account = AppAccount(app: app)
        #expect(account.user == user && account.group == user)
        #expect(account.comment == "silver app \(app)")
    }

    @Test(
        "other names (upper case, too long) get silverx-, their first letters and a hash of the whole name",
        arguments: ["Blog", "BLOG", String(repeating: "a", count: 26), String(repeating: "Long-App_", count: 7)])
    func hashed(app: String) {
        let user = AppAccount(app: app).user
        #expect(user.hasPrefix("silverx-"))
        #expect(user.utf8.count <= 32)
        #expect(user.utf8.allSatisfy { AppAccount.isNameByte($0) }, "\(user)")
        #expect(user == AppAccount(app: app).user, "the same on every node and every run")
        #expect(user.dropFirst("silverx-".count).hasPrefix(String(app.lowercased().prefix(3))))
    }

    @Test("names never clash: not between apps whose names differ only in case, nor across the two forms, nor with the shared group")
    func distinct() {
        let apps = ["blog", "Blog", "BLOG", "bLog", "silverx-blog", String(repeating: "b", count: 25), String(repeating: "b", count: 26),
            String(repeating: "b", count: 27)]
        let users = apps.map { AppAccount(app: $0).user }
        #expect(Set(users).count == apps.count, "\(users)")
        #expect(!users.contains(AppAccount.sharedGroup))
        #expect(!users.contains(AppAccount.webUser))
        #expect(AppAccount(app: "apps").user != AppAccount.sharedGroup)
    }

    @Test("the hash is FNV-1a, fixed across processes")
    func stableHash() {
        #expect(AppAccount.fnv1a("") == 0xcbf2_9ce4_8422_2325)
        #expect(AppAccount.fnv1a("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(AppAccount(app: "Blog").user == "silverx-blog-" + String(AppAccount.fnv1a("Blog") & 0xffff_ffff, radix: 16).leftPadded(to: 8))
    }
}

extension String {
    fileprivate func leftPadded(to count: Int) -> String { String(repeating: "0", count: max(0, count - self.count)) + self }
}

@Suite struct AppAccountStepsTests {
    let blog = AppAccount(app: "blog")
    let freshNode = AccountState(userComment: nil, groupExists: false, sharedGroupExists: false, inSharedGroup: false, webServerInGroup: false)
    let done = AccountState(userComment: "silver app blog", groupExists: true, sharedGroupExists: true, inSharedGroup: true, webServerInGroup: true)

    @Test("a fresh node: the shared group, a system user with its own group and no login, and nginx in its group")
    func fresh() throws {
        let steps = try AppAccounts.steps(for: blog, state: freshNode)
        #expect(steps.map(\.command.words) == [
            ["groupadd", "--system", "silverapps"],
            ["useradd", "--system", "--user-group", "--groups", "silverapps", "--no-create-home", "--home-dir", "/var/www", "--shell",
                "/usr/sbin/nologin", "--comment", "silver app blog", "silver-blog"],
            ["usermod", "--append", "--groups", "silver-blog", "www-data"],
        ])
        #expect(steps.map(\.addsWebServer) == [false, false, true])
    }

    @Test("an account that is whole needs nothing")
    func whole() throws {
        #expect(try AppAccounts.steps(for: blog, state: done) == [])
    }

    @Test("what is missing, and only that, is added")
    func partial() throws {
        var state = done
        state.inSharedGroup = false
        state.webServerInGroup = false
        #expect(try AppAccounts.steps(for: blog, state: state).map(\.command.words) == [
            ["usermod", "--append", "--groups", "silverapps", "silver-blog"],
            ["usermod", "--append", "--groups", "silver-blog", "www-data"],
        ])
        state = done
        state.userComment = nil
        #expect(try AppAccounts.steps(for: blog, state: state).first?.command.words.prefix(4) == ["useradd", "--system", "--gid", "silver-blog"],
            "a group left without its user is reused")
    }

    @Test("a user of the same name that silver did not make is refused, never taken over")
    func foreign() {
        var state = done
        state.userComment = "Blog operator"
        let error = #expect(throws: AgentError.self) { try AppAccounts.steps(for: blog, state: state) }
        #expect(error?.description.contains("silver-blog that silver did not make for blog") == true)
    }

    @Test("the node's own accounts are read: root exists, an app's does not")
    func readsTheNode() {
        #expect(AccountState.members(of: "root") != nil)
        #expect(AccountState.members(of: "silver-no-such-app-\(UUID().uuidString.prefix(6).lowercased())") == nil)
        let state = AccountState.read(AppAccount(app: "no-such-app-\(UUID().uuidString.prefix(6).lowercased())"))
        #expect(state.userComment == nil && !state.groupExists && !state.webServerInGroup)
    }
}
