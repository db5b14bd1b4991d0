/// Asks a node for its SSH host keys, for providers that cannot learn them in advance.
/// This trusts the first answer (as `ssh` does on first use); from then on the keys are
/// pinned and a different key is refused.
public enum HostKeyScan {
    public static func scan(_ node: NodeAddress, runner: CommandRunner) async throws -> [String] {
        let result = try await runner.run(Command(
            "ssh-keyscan", ["-T", "5", "-t", "ed25519,ecdsa,rsa", node.address], step: "scan host keys"))
        let keys = result.text.split(separator: "\n").compactMap { line -> String? in
            let words = line.split(separator: " ")
            guard !line.hasPrefix("#"), words.count >= 3 else { return nil }
            return "\(words[1]) \(words[2])"
        }
        guard !keys.isEmpty else {
            throw RemoteError.unreachable(node: node.name, address: node.address, reason: "no SSH host key could be read")
        }
        return keys.sorted()
    }
}
