import Foundation

/// Reads the SSH host keys cloud-init prints to the serial console on first boot:
///
///     -----BEGIN SSH HOST KEY KEYS-----
///     ecdsa-sha2-nistp256 AAAA... root@ip-10-0-0-5
///     ssh-ed25519 AAAA... root@ip-10-0-0-5
///     -----END SSH HOST KEY KEYS-----
///
/// Reading them from the cloud's API (EC2's console output, Nova's console log) rather than
/// from the first SSH connection means they are pinned without trusting the network. Lines
/// may carry prefixes (timestamps, `ec2: `) and carriage returns; the block may appear more
/// than once (after a reboot): the last wins.
public enum ConsoleHostKeys {
    public static let begin = "-----BEGIN SSH HOST KEY KEYS-----"
    public static let end = "-----END SSH HOST KEY KEYS-----"

    /// `type base64` for each key in the last complete block; empty when there is none.
    public static func parse(_ console: String) -> [String] {
        var blocks: [[String]] = []
        var current: [String]?
        for rawLine in console.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = String(rawLine)
            if line.contains(begin) {
                current = []
            } else if line.contains(end) {
                if let keys = current { blocks.append(keys) }
                current = nil
            } else if current != nil, let key = hostKey(in: line) {
                current?.append(key)
            }
        }
        return blocks.last ?? []
    }

    /// The `type base64` pair in a line, if the line holds a well-formed key whose encoded
    /// type agrees with the type written before it.
    static func hostKey(in line: String) -> String? {
        let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
        for (index, word) in words.enumerated() where isKeyType(word) && index + 1 < words.count {
            let encoded = words[index + 1]
            guard let key = SSHPublicKey("\(word) \(encoded)"), embeddedType(key.blob) == word else { continue }
            return "\(word) \(encoded)"
        }
        return nil
    }

    private static func isKeyType(_ word: String) -> Bool {
        word == "ssh-ed25519" || word == "ssh-rsa" || word.hasPrefix("ecdsa-sha2-") || word.hasPrefix("sk-")
    }

    /// The type string at the start of an SSH wire-format key (a 4-byte length, then text).
    private static func embeddedType(_ blob: Data) -> String? {
        let bytes = [UInt8](blob)
        guard bytes.count >= 4 else { return nil }
        let length = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        guard length > 0, 4 + length <= bytes.count else { return nil }
        return String(decoding: bytes[4..<(4 + length)], as: UTF8.self)
    }
}
