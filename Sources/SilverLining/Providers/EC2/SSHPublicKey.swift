import Crypto
import Foundation

/// An OpenSSH public key line (`ssh-ed25519 AAAA... comment`), for deciding whether the key
/// pair already in EC2 is the nodeset's own.
public struct SSHPublicKey: Hashable, Sendable {
    public var type: String
    /// The key in SSH wire format (what the base64 field decodes to).
    public var blob: Data

    public init?(_ line: String) {
        let fields = line.split(whereSeparator: \.isWhitespace)
        guard fields.count >= 2, let blob = Data(base64Encoded: String(fields[1])) else { return nil }
        self.type = String(fields[0])
        self.blob = blob
    }

    /// The forms EC2 and EC2-compatible services give an imported key's fingerprint: AWS
    /// gives ED25519 keys the base64 SHA-256 of the key (as ssh-keygen shows it) and RSA
    /// keys the MD5 of RFC 4716; moto gives the colon-separated SHA-256 of the key's DER
    /// SubjectPublicKeyInfo. A match on any of them is a match.
    public var fingerprints: Set<String> {
        let sha256 = Data(SHA256.hash(data: blob))
        let base64 = sha256.base64EncodedString()
        let unpadded = base64.trimmingCharacters(in: CharacterSet(charactersIn: "="))
        var result: Set<String> = [
            base64, unpadded, "SHA256:" + unpadded,
            Self.colonHex(Data(Insecure.MD5.hash(data: blob))),
        ]
        if type == "ssh-ed25519", let spki = ed25519SubjectPublicKeyInfo {
            result.insert(Self.colonHex(Data(SHA256.hash(data: spki))))
        }
        return result
    }

    /// DER SubjectPublicKeyInfo of an Ed25519 key: a fixed 12-byte prefix (RFC 8410) and
    /// the 32-byte key, which the wire format keeps after its type string.
    var ed25519SubjectPublicKeyInfo: Data? {
        guard blob.count >= 32 else { return nil }
        let prefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]
        return Data(prefix) + blob.suffix(32)
    }

    private static func colonHex(_ data: Data) -> String {
        data.map { String(format: "%02x", $0) }.joined(separator: ":")
    }

    /// Whether `pair` holds this key: by its public key when EC2 returned one, else by
    /// fingerprint.
    public func matches(_ pair: EC2KeyPair) -> Bool {
        if let material = pair.publicKey, let theirs = SSHPublicKey(material) {
            return theirs == self
        }
        return fingerprints.contains(pair.fingerprint) || fingerprints.contains(pair.fingerprint.lowercased())
    }
}
