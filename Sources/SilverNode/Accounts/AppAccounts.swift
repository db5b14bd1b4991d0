#if canImport(Glibc)
    import Glibc
#endif

/// Makes the accounts of an app server's apps (`AppAccount`) with the system's own tools
/// (`groupadd`, `useradd`, `usermod`), idempotently: what exists already is left alone, and
/// an account of the same name that silver did not make is refused, never taken over.
public struct AppAccounts: Sendable {
    public var runner: CommandRunner

    public init(runner: CommandRunner = CommandRunner()) {
        self.runner = runner
    }

    /// What ensuring the accounts changed (or, in a dry run, would change).
    public struct Changes: Sendable, Equatable {
        public var lines: [String] = []
        /// The web server joined a group: its workers see that only once nginx reloads.
        public var webServerJoined = false
    }

    public func ensure(_ apps: [String], dryRun: Bool) async throws -> Changes {
        var changes = Changes()
        for app in apps.uniqued() {
            let account = AppAccount(app: app)
            for step in try Self.steps(for: account, state: AccountState.read(account)) {
                changes.lines.append(step.change)
                if step.addsWebServer { changes.webServerJoined = true }
                if !dryRun { try await runner.check(step.command) }
            }
        }
        changes.lines = changes.lines.uniqued()
        return changes
    }

    /// One command and the line that reports it.
    struct Step: Equatable {
        var command: Command
        var change: String
        var addsWebServer = false
    }

    /// The commands that give `account` what it lacks in `state`, in order: the shared group,
    /// the user with its own group, its membership of the shared group, the web server's of
    /// its group.
    static func steps(for account: AppAccount, state: AccountState) throws -> [Step] {
        var steps: [Step] = []
        if !state.sharedGroupExists {
            steps.append(Step(
                command: Command("groupadd", ["--system", AppAccount.sharedGroup], step: "make group \(AppAccount.sharedGroup)"),
                change: "made group \(AppAccount.sharedGroup) for what every app reads"))
        }
        switch state.userComment {
        case nil:
            let group = state.groupExists ? ["--gid", account.group] : ["--user-group"]
            steps.append(Step(
                command: Command(
                    "useradd",
                    ["--system"] + group + [
                        "--groups", AppAccount.sharedGroup, "--no-create-home", "--home-dir", AppAccount.home, "--shell", AppAccount.shell,
                        "--comment", account.comment, account.user,
                    ],
                    step: "make user \(account.user)"),
                change: "made user \(account.user) for \(account.app)"))
        case account.comment?:
            if !state.inSharedGroup {
                steps.append(Step(
                    command: Command("usermod", ["--append", "--groups", AppAccount.sharedGroup, account.user], step: "add \(account.user) to \(AppAccount.sharedGroup)"),
                    change: "added \(account.user) to \(AppAccount.sharedGroup)"))
            }
        case let other?:
            throw AgentError.failed(
                "this node already has a user \(account.user) that silver did not make for \(account.app) (its comment is \"\(other)\"); remove or rename it")
        }
        if !state.webServerInGroup {
            steps.append(Step(
                command: Command("usermod", ["--append", "--groups", account.group, AppAccount.webUser], step: "add \(AppAccount.webUser) to \(account.group)"),
                change: "added \(AppAccount.webUser) to \(account.group), so that nginx serves \(account.app)'s static files",
                addsWebServer: true))
        }
        return steps
    }
}

/// What the node's user database holds of one app's account.
struct AccountState: Equatable {
    /// The user's comment; nil when there is no such user.
    var userComment: String?
    var groupExists: Bool
    var sharedGroupExists: Bool
    var inSharedGroup: Bool
    var webServerInGroup: Bool

    static func read(_ account: AppAccount) -> AccountState {
        let shared = members(of: AppAccount.sharedGroup)
        return AccountState(
            userComment: getpwnam(account.user).map { String(cString: $0.pointee.pw_gecos) },
            groupExists: getgrnam(account.group) != nil,
            sharedGroupExists: shared != nil,
            inSharedGroup: shared?.contains(account.user) ?? false,
            webServerInGroup: members(of: account.group)?.contains(AppAccount.webUser) ?? false)
    }

    /// A group's listed members (not those for whom it is the primary group); nil when the
    /// group does not exist.
    static func members(of group: String) -> [String]? {
        guard let entry = getgrnam(group) else { return nil }
        var names: [String] = []
        var member = entry.pointee.gr_mem
        while let name = member?.pointee {
            names.append(String(cString: name))
            member = member?.advanced(by: 1)
        }
        return names
    }
}
