import Crypto
import Foundation

/// How the Debian root that every local node boots from is made. Its digest names the built
/// image, so changing the recipe builds a new image and an unchanged one is reused.
public struct BaseImageRecipe: Sendable, Hashable {
    public var suite = "bookworm"
    public var mirror: String
    /// What a node needs before any role is set up: systemd to boot, sshd and rsync for silver
    /// to reach it, python3 as Silver Lining apps expect, curl for health checks and
    /// `update_fetch`, nftables for the firewall.
    public var packages = [
        "systemd", "systemd-sysv", "dbus", "libpam-systemd", "openssh-server", "iproute2", "python3",
        "rsync", "curl", "ca-certificates", "nftables", "procps", "netbase", "less",
    ]
    /// Bumped when the steps after debootstrap change.
    public var revision = 1

    public init(mirror: String) {
        self.mirror = mirror
    }

    public var text: String {
        "suite=\(suite)\nmirror=\(mirror)\npackages=\(packages.joined(separator: ","))\nrevision=\(revision)\n"
    }

    public var digest: String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined().prefix(16).description
    }

    /// The debootstrap run that makes the root.
    func debootstrap(into directory: String) -> Command {
        Command(
            "debootstrap",
            ["--variant=minbase", "--include=" + packages.joined(separator: ","), suite, directory, mirror],
            step: "debootstrap \(suite)")
    }

    /// Files written into the root after debootstrap. A node's own identity (host name,
    /// machine id, SSH host keys, address) is never here: it goes into each node's own layer.
    func files() -> [(path: String, content: String)] {
        [
            ("/etc/machine-id", ""),
            ("/etc/apt/sources.list", "deb \(mirror) \(suite) main\n"),
            ("/etc/apt/apt.conf.d/90silverlining", """
                APT::Install-Recommends "false";
                APT::Install-Suggests "false";
                Acquire::Languages "none";
                Dpkg::Options { "--force-confdef"; "--force-confold"; };

                """),
            // Nodes reach nothing beyond their bridge; an empty resolv.conf makes unknown
            // names fail at once instead of after DNS timeouts.
            ("/etc/resolv.conf", ""),
        ]
    }

    /// Units switched off or on in the image: timers that would take apt's lock in the middle
    /// of a setup, and the network daemon that gives each node its fixed address.
    static let maskedUnits = ["apt-daily.timer", "apt-daily-upgrade.timer", "e2scrub_all.timer", "fstrim.timer"]
    static let enabledUnits = [("systemd-networkd.service", "multi-user.target.wants")]
}

/// The built base image on this machine.
public struct BaseImage: Sendable {
    public var recipe: BaseImageRecipe
    public var host: LocalHost

    public init(recipe: BaseImageRecipe, host: LocalHost) {
        self.recipe = recipe
        self.host = host
    }

    public var directory: String { host.imagesDirectory + "/" + recipe.digest }
    /// The root file system nodes boot from (the overlay's lower layer).
    public var root: String { directory + "/root" }
    private var marker: String { directory + "/recipe.txt" }

    public var isBuilt: Bool { FileManager.default.fileExists(atPath: marker) }

    /// Builds the image unless it exists. Built in a scratch directory and renamed into place
    /// at the end, so an interrupted build never leaves an image that looks complete.
    public func ensureBuilt(console: Console) async throws {
        if isBuilt { return }
        try await FileLock.withLock(host.locksDirectory + "/image-\(recipe.digest).lock") {
            if isBuilt { return }
            let scratch = host.imagesDirectory + "/.building-\(recipe.digest)"
            let fm = FileManager.default
            try? fm.removeItem(atPath: scratch)
            try fm.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            console.say("building the Debian \(recipe.suite) base image for local nodes (once; about a minute)")
            let started = ContinuousClock.now
            do {
                let result = try await host.runner.run(recipe.debootstrap(into: scratch + "/root"))
                guard result.succeeded else {
                    let log = (try? String(contentsOfFile: scratch + "/root/debootstrap/debootstrap.log", encoding: .utf8)) ?? ""
                    throw LocalProviderError.imageBuildFailed(
                        reason: "debootstrap exited \(result.status): " + lastLines(result.errorText + result.text + log, 15))
                }
                try configure(root: scratch + "/root")
                try Data(recipe.text.utf8).write(to: URL(fileURLWithPath: scratch + "/recipe.txt"))
                try? fm.removeItem(atPath: directory)
                try fm.moveItem(atPath: scratch, toPath: directory)
            } catch {
                try? fm.removeItem(atPath: scratch)
                throw error
            }
            console.say("base image ready in \(started.duration(to: .now).formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))")
        }
    }

    private func configure(root: String) throws {
        let fm = FileManager.default
        // debootstrap copies this machine's identity; nodes must each get their own.
        try? fm.removeItem(atPath: root + "/etc/hostname")
        for key in (try? fm.contentsOfDirectory(atPath: root + "/etc/ssh")) ?? [] where key.hasPrefix("ssh_host_") {
            try fm.removeItem(atPath: root + "/etc/ssh/" + key)
        }
        try? fm.removeItem(atPath: root + "/var/lib/dbus/machine-id")
        try fm.createSymbolicLink(atPath: root + "/var/lib/dbus/machine-id", withDestinationPath: "/etc/machine-id")
        for (path, content) in recipe.files() {
            try? fm.removeItem(atPath: root + path)
            try Data(content.utf8).write(to: URL(fileURLWithPath: root + path))
        }
        for unit in BaseImageRecipe.maskedUnits {
            let link = root + "/etc/systemd/system/" + unit
            try? fm.removeItem(atPath: link)
            try fm.createSymbolicLink(atPath: link, withDestinationPath: "/dev/null")
        }
        for (unit, target) in BaseImageRecipe.enabledUnits {
            let directory = root + "/etc/systemd/system/" + target
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try? fm.removeItem(atPath: directory + "/" + unit)
            try fm.createSymbolicLink(atPath: directory + "/" + unit, withDestinationPath: "/lib/systemd/system/" + unit)
        }
        let archives = root + "/var/cache/apt/archives"
        for file in (try? fm.contentsOfDirectory(atPath: archives)) ?? [] where file.hasSuffix(".deb") {
            try? fm.removeItem(atPath: archives + "/" + file)
        }
    }
}

func lastLines(_ text: String, _ count: Int) -> String {
    text.split(separator: "\n").suffix(count).joined(separator: "\n")
}
