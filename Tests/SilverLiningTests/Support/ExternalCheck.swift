import Foundation
import Testing

@testable import SilverLining

/// Runs the real nginx, HAProxy and nft over rendered configurations in check-only mode, so a
/// golden is known to be accepted by the program that will read it, not just to look right.
enum ExternalCheck {
    static func find(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]
        return directories.map { $0 + "/" + program }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// `nginx -t` on a site file included inside `http {}`, as Debian's nginx.conf includes
    /// sites-enabled, with pid, logs and temporary paths in a scratch prefix.
    static func nginx(site: String) async throws -> CommandResult {
        let scratch = try ScratchDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let sitePath = try scratch.write("silverlining", site)
        let conf = try scratch.write("nginx.conf", nginxConfiguration(prefix: scratch.path, including: sitePath))
        return try await CommandRunner().run(Command(find("nginx") ?? "nginx", ["-t", "-q", "-p", scratch.path, "-c", conf]))
    }

    /// nginx's main file around a site file, with pid, logs and temporary paths under `prefix`.
    static func nginxConfiguration(prefix: String, including sitePath: String) -> String {
        """
        pid \(prefix)/nginx.pid;
        error_log \(prefix)/error.log;
        events {}
        http {
            access_log off;
            client_body_temp_path \(prefix)/body;
            proxy_temp_path \(prefix)/proxy;
            fastcgi_temp_path \(prefix)/fastcgi;
            include \(sitePath);
        }

        """
    }

    static func haproxy(_ config: String) async throws -> CommandResult {
        let scratch = try ScratchDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let path = try scratch.write("haproxy.cfg", config)
        return try await CommandRunner().run(Command(find("haproxy") ?? "haproxy", ["-c", "-q", "-f", path]))
    }

    /// `nft -c` in a network namespace of its own: checking needs the kernel, and this way it
    /// sees no other tables and cannot touch the machine's.
    static func nft(_ ruleset: String) async throws -> CommandResult {
        let scratch = try ScratchDirectory()
        defer { withExtendedLifetime(scratch) {} }
        let path = try scratch.write("rules.nft", ruleset)
        return try await CommandRunner().run(Command("unshare", ["--net", find("nft") ?? "nft", "-c", "-f", path]))
    }

    /// Whether `nft -c` can run here at all (root, namespaces and nf_tables are needed).
    static func nftUsable() async -> Bool {
        guard find("nft") != nil, find("unshare") != nil else { return false }
        return (try? await nft("table inet silverlining_probe\n").succeeded) ?? false
    }
}
