import Crypto
import Foundation

/// One local node: a systemd-nspawn container booting the base image through an overlay
/// whose upper layer is the node's own directory. The upper layer is written before the
/// first boot with everything that makes the node itself: name, machine id, address and SSH
/// host keys, so silver knows the keys it must pin before it ever connects.
struct LocalNode: Sendable {
    var spec: NodeSpec
    var nodeset: String
    var address: String
    var host: LocalHost

    var directory: String { host.nodesetDirectory(nodeset) + "/" + spec.name }
    var upper: String { directory + "/upper" }
    var logFile: String { directory + "/console.log" }

    /// nspawn names the host side of the node's veth after the machine name and cuts it to
    /// 15 characters, so the machine name is a short digest unique to nodeset and node.
    var machineName: String {
        "s" + SHA256.hash(data: Data((nodeset + "/" + spec.name).utf8)).prefix(5).map { String(format: "%02x", $0) }.joined()
    }

    var exists: Bool { FileManager.default.fileExists(atPath: upper + "/etc/hostname") }

    /// Writes the node's own layer. Called once, when the node is first created.
    func writeIdentity(bridge: Bridge, aptProxy: String, publicKey: String) async throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: upper, withIntermediateDirectories: true)
        let short = spec.name.split(separator: ".").first.map(String.init) ?? spec.name
        let files: [(String, String, Int)] = [
            ("/etc/hostname", spec.name + "\n", 0o644),
            ("/etc/machine-id", LocalNode.newMachineID() + "\n", 0o444),
            ("/etc/hosts", "127.0.0.1 localhost\n127.0.1.1 \(spec.name) \(short)\n::1 localhost ip6-localhost ip6-loopback\n", 0o644),
            ("/etc/systemd/network/10-silver-host0.network", """
                [Match]
                Name=host0

                [Network]
                Address=\(address)/24
                LinkLocalAddressing=no
                IPv6AcceptRA=no

                """, 0o644),
            ("/etc/apt/apt.conf.d/01silverlining-proxy", "Acquire::http::Proxy \"\(aptProxy)\";\n", 0o644),
            ("/root/.ssh/authorized_keys", publicKey + "\n", 0o600),
        ]
        for (path, content, mode) in files {
            let full = upper + path
            try fm.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            do {
                try Data(content.utf8).write(to: URL(fileURLWithPath: full))
                try fm.setAttributes([.posixPermissions: mode], ofItemAtPath: full)
            } catch {
                throw LocalProviderError.creationFailed(node: spec.name, reason: "cannot write \(full): \(LocalNode.reason(error))")
            }
        }
        try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: upper + "/root/.ssh")
        try fm.createDirectory(atPath: upper + "/etc/ssh", withIntermediateDirectories: true)
        let keygen = try await host.runner.run(Command("ssh-keygen", ["-A", "-f", upper], step: "generate host keys"))
        guard keygen.succeeded, !hostKeys().isEmpty else {
            throw LocalProviderError.creationFailed(node: spec.name, reason: "ssh-keygen -A failed: \(keygen.errorText)")
        }
    }

    /// The system's own words for a file error ("No space left on device") rather than
    /// Foundation's paraphrase of them.
    static func reason(_ error: any Error) -> String {
        guard let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? POSIXError else { return "\(error)" }
        return String(cString: strerror(posix.code.rawValue))
    }

    static func newMachineID() -> String {
        (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    /// The node's SSH host public keys, as `TYPE BASE64` lines.
    func hostKeys() -> [String] {
        let directory = upper + "/etc/ssh"
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("ssh_host_") && $0.hasSuffix(".pub") }.sorted()
        return files.compactMap { file in
            guard let text = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8) else { return nil }
            let words = text.split(separator: " ")
            return words.count >= 2 ? "\(words[0]) \(words[1])" : nil
        }
    }

    /// The nspawn process running this node, found by its unique overlay argument.
    func pid() -> Int32? {
        ProcessTable.find(["systemd-nspawn", ":\(upper):/"]).first
    }

    func boot(image: BaseImage, bridge: Bridge) async throws {
        let arguments = [
            "--boot", "--register=no", "--keep-unit", "--quiet",
            "--directory=\(image.root)",
            "--overlay=\(image.root):\(upper):/",
            "--network-bridge=\(bridge.name)",
            "--machine=\(machineName)",
            "--resolv-conf=off",
            "--timezone=off",
            "--console=passive",
        ]
        guard let nspawn = LocalHost.findProgram("systemd-nspawn") else { throw CommandError.notFound(program: "systemd-nspawn") }
        try await host.runner.launchDetached(Command(nspawn, arguments, step: "boot"), log: logFile)
        let up = await waitForSSH(deadline: .seconds(60))
        guard up else {
            let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
            throw LocalProviderError.bootFailed(node: spec.name, reason: "SSH did not answer at \(address); its console ends with:\n" + lastLines(log, 10))
        }
    }

    /// Polls the node's SSH port, stopping early if its nspawn process has exited or its
    /// systemd gave up (it then freezes rather than exits, so nspawn keeps running).
    func waitForSSH(deadline: Duration) async -> Bool {
        var sawProcess = false
        var polls = 0
        var open = false
        await poll(deadline: deadline) {
            open = TCPProbe.isOpen(address: address, port: 22, timeout: .milliseconds(200))
            let running = pid() != nil
            defer { sawProcess = sawProcess || running }
            polls += 1
            return open || (sawProcess && !running) || (polls % 10 == 0 && systemdGaveUp())
        }
        return open
    }

    private func systemdGaveUp() -> Bool {
        let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        return log.contains("Exiting PID 1") || log.contains("Freezing execution")
    }

    /// Powers the node off before its files are removed. The first SIGTERM makes nspawn ask
    /// the node's systemd for a clean poweroff; a second one, `grace` later, makes nspawn kill
    /// the node at once, which loses nothing of a node about to be removed. The grace is short
    /// because a poweroff soon after an SSH login can hang on that session for a minute and
    /// more where the node's systemd cannot kill in its cgroups (hosts whose PID 1 is not
    /// systemd: "Failed to kill control group ... Input/output error").
    func stop(grace: Duration = .seconds(3)) async {
        if let pid = pid() { await ProcessTable.terminate(pid, grace: grace) }
        // nspawn killed on its own leaves the node's systemd running, reparented to this
        // machine's init, with the node's address still on the bridge: found by its root.
        for orphan in ProcessTable.overlayRoots(upper: upper) {
            kill(orphan, SIGKILL)
            _ = await ProcessTable.waitForExit(orphan, deadline: grace)
        }
    }

    func remove() throws {
        if FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.removeItem(atPath: directory)
        }
    }
}
