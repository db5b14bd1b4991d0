import Foundation

/// Why work on a node failed, naming the node and saying what to do.
public enum RemoteError: UserFacingError, Equatable {
    case unreachable(node: String, address: String, reason: String)
    case hostKeyChanged(node: String, address: String)
    case keyRefused(node: String, address: String)
    case failed(node: String, step: String, status: Int32, errorOutput: String)

    public var exitStatus: Int32 { ExitStatus.failure }

    public var node: String {
        switch self {
        case .unreachable(let node, _, _), .hostKeyChanged(let node, _), .keyRefused(let node, _),
            .failed(let node, _, _, _):
            node
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let node, let address, let reason):
            return "\(node) (\(address)) does not answer on SSH: \(reason). Check that it is running with `silver list-nodes`, or start it again with `silver create-node`."
        case .hostKeyChanged(let node, let address):
            return "\(node) (\(address)) presented an SSH host key that differs from the one pinned when it was created; refusing to connect. If the node was rebuilt on purpose, run `silver create-node NODESET --rescan-host-keys`; otherwise someone may be intercepting the connection."
        case .keyRefused(let node, let address):
            return "\(node) (\(address)) refused the nodeset's SSH key. Its root account must accept the key in the nodeset's directory (id_ed25519.pub)."
        case .failed(let node, let step, let status, let errorOutput):
            let detail = errorOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            return "\(node): \(step) failed (exit status \(status))" + (detail.isEmpty ? "" : ":\n" + detail)
        }
    }

    /// Recognises OpenSSH's own failures (exit status 255) from what it printed.
    init?(sshStderr text: String, node: NodeAddress) {
        let reasons = [
            "Connection refused", "No route to host", "Connection timed out", "timed out",
            "Network is unreachable", "Could not resolve hostname", "Connection closed by",
            "Connection reset", "Broken pipe", "Timeout, server", "not responding",
        ]
        if text.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") || text.contains("Host key verification failed")
            || text.contains("host key is known") || text.contains("No matching host key")
        {
            self = .hostKeyChanged(node: node.name, address: node.address)
        } else if text.contains("Permission denied") {
            self = .keyRefused(node: node.name, address: node.address)
        } else if let reason = reasons.first(where: { text.contains($0) }) {
            self = .unreachable(node: node.name, address: node.address, reason: reason)
        } else {
            return nil
        }
    }
}

extension RemoteError {
    /// The first line of an error's description, for one-line reports.
    static func brief(_ error: any Error) -> String {
        String(describing: error).split(separator: "\n").first.map(String.init) ?? "error"
    }
}
