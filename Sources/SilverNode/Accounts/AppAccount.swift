/// The system account an app's processes run as on an app server: a user and a group of
/// the same name, made by the agent, with no login shell and `/var/www` (silver's) as home.
/// Every app has its own, so no app can read another's passwords, files or logs.
///
/// Names carry a fixed prefix rather than being the app's name itself: an app may be called
/// `mysql`, `www-data`, `postgres` or `root`, and taking over (or handing files to) an
/// account the system already uses would be worse than any clash message. `silver-` keeps
/// the names apart from Debian's accounts, which never use it. Linux limits names to 32
/// lowercase letters, digits, `_` and `-`: an app name that fits after the prefix is used as
/// it is (`blog` runs as `silver-blog`); any other (upper case, longer than 25) gets
/// `silverx-`, the first letters of its lowercased name and a hash of the whole name, so two
/// apps never share an account and the two forms can never produce the same name.
public struct AppAccount: Sendable, Equatable {
    public let app: String
    /// The user, also the name of its own group.
    public let user: String

    public init(app: String) {
        self.app = app
        user = Self.userName(for: app)
    }

    /// The app's own group: its user, and the web server (which serves its `static/`, PHP
    /// files and writable root), and no other app.
    public var group: String { user }

    /// Recorded in the account's comment field: how the agent tells its own account from
    /// one that happens to bear the name.
    public var comment: String { "silver app \(app)" }

    public static let prefix = "silver-"
    static let hashedPrefix = "silverx-"
    static let maximumLength = 32

    /// What every app of the nodeset may read and nothing else may: the nodeset's secret.
    /// Every app user is a member; the web server is not. Its name has neither prefix, so no
    /// app's account can be called the same.
    public static let sharedGroup = "silverapps"
    /// The web server's user (nginx on Debian): a member of every app's group.
    public static let webUser = "www-data"
    /// Who every app ran as before each had its own account; what migration hands over.
    public static let formerUser = "www-data"
    /// Apps' home directory (as `HOME` in their environment): silver's, not writable by them.
    public static let home = NodeLayout.instances
    public static let shell = "/usr/sbin/nologin"

    static func userName(for app: String) -> String {
        let fits = app.utf8.allSatisfy { isNameByte($0) } && prefix.utf8.count + app.utf8.count <= maximumLength
        if fits { return prefix + app }
        let hash = String(fnv1a(app) & 0xffff_ffff, radix: 16)
        let padded = String(repeating: "0", count: 8 - hash.count) + hash
        let room = maximumLength - hashedPrefix.utf8.count - 1 - padded.count
        let readable = String(decoding: app.lowercased().utf8.map { isNameByte($0) ? $0 : UInt8(ascii: "_") }.prefix(room), as: UTF8.self)
        return hashedPrefix + readable + "-" + padded
    }

    /// Lowercase ASCII letters, digits, `_` and `-`: what useradd takes after the first letter.
    static func isNameByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    /// FNV-1a, 64 bits: stable across builds and machines (Swift's `Hasher` is seeded per
    /// process), so every node names an app's account alike.
    static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0100_0000_01b3 }
    }
}

/// An app account's numeric ids on this node, looked up once for the files the agent writes.
public struct ResolvedAccount: Sendable, Equatable {
    public var uid: UInt32
    public var gid: UInt32

    public init(uid: UInt32, gid: UInt32) {
        self.uid = uid
        self.gid = gid
    }
}

extension AppAccount {
    /// The ids of the account on this node; an error naming the remedy when it is missing.
    public func resolved() throws -> ResolvedAccount {
        do {
            return ResolvedAccount(uid: try FileSystem.uid(user), gid: try FileSystem.gid(group))
        } catch {
            throw AgentError.failed("\(app) has no user \(user) on this node yet; run `silver setup-node` or `silver update`")
        }
    }
}
