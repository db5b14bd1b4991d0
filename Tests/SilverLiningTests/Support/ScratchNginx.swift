import Foundation
import Testing

@testable import SilverLining

/// A real nginx serving a rendered site file on a scratch loopback port (its `listen 80`
/// moved there), everything it writes under the scratch directory. Stopped by `stop()`.
struct ScratchNginx {
    let port: Int
    let server: Task<CommandResult, any Error>

    static func start(site: String, in scratch: ScratchDirectory) async throws -> ScratchNginx {
        let nginx = try #require(ExternalCheck.find("nginx"))
        let port = try BoundPort().port  // released at once, for nginx to take
        let sitePath = try scratch.write("site.conf", site.replacingOccurrences(of: "listen 80", with: "listen 127.0.0.1:\(port)"))
        let conf = try scratch.write("nginx.conf", ExternalCheck.nginxConfiguration(prefix: scratch.path, including: sitePath))
        let prefix = scratch.path
        // Cancelling the task kills nginx.
        let server = Task {
            try await CommandRunner().run(Command(nginx, ["-p", prefix, "-c", conf, "-g", "daemon off; master_process off;"]))
        }
        try await waitForListener(port)
        return ScratchNginx(port: port, server: server)
    }

    func stop() { server.cancel() }

    func get(_ path: String, host: String = "foobar.com", headers: [String: String] = [:]) throws -> LocalHTTP.Response {
        try LocalHTTP.get(port: port, path: path, host: host, headers: headers, timeoutSeconds: 5).get()
    }
}
