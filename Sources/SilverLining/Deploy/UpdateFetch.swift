import Foundation

/// The note's `update_fetch`: after the first app server is switched, each path is requested
/// from the new instance itself (not through nginx or the balancer), marked as silver's own
/// request; a `script:CMD` entry runs CMD in the instance's environment instead, with
/// `SILVERLINING_UPDATE` set. With `update_fetch_everywhere`, the other app servers run the
/// same entries before they switch, marked as not the primary update (`FetchRequest.marker`).
public struct UpdateFetch: Sendable {
    public var session: NodesetSession
    public var agent: NodeAgent
    public var app: AppConfig
    public var host: String

    /// Runs every entry; throws on the first that fails. Returns what each printed.
    public func run(on node: NodeAddress, instance: String, primary: Bool = true) async throws -> [String] {
        var outputs: [String] = []
        let label = primary ? "update_fetch" : "update_fetch (secondary)"
        for entry in app.updateFetch {
            if entry.hasPrefix("script:") {
                let script = String(entry.dropFirst("script:".count)).trimmingCharacters(in: .whitespaces)
                session.console.say("\(label): running \(script)", node: node.name)
                let command = try agent.command(
                    "exec", [instance, "--", "/usr/bin/env", "SILVERLINING_UPDATE=\(FetchRequest.marker(primary: primary))", "/bin/sh", "-c", script],
                    step: "update_fetch script")
                let console = session.console
                let result = try await agent.run(command, on: node) { _, line in console.say("  " + line, node: node.name) }
                guard result.succeeded else {
                    throw UpdateFetchError(entry: entry, detail: "exit status \(result.status)")
                }
                outputs.append(result.text + result.errorText)
            } else {
                let response = try await agent.call(
                    "fetch", request: FetchRequest(instance: instance, path: entry, host: host, primary: primary), on: node,
                    as: LocalHTTP.Response.self)
                session.console.say("\(label): GET \(entry) -> \(response.status)", node: node.name)
                for line in response.body.split(separator: "\n", omittingEmptySubsequences: false).prefix(40) {
                    session.console.say("  " + line, node: node.name)
                }
                guard (200..<400).contains(response.status) else {
                    throw UpdateFetchError(entry: entry, detail: "HTTP \(response.status)")
                }
                outputs.append(response.body)
            }
        }
        return outputs
    }
}

public struct UpdateFetchError: UserFacingError {
    public var entry: String
    public var detail: String

    public var exitStatus: Int32 { ExitStatus.failure }
    public var description: String { "update_fetch \(entry) failed: \(detail)" }
}
