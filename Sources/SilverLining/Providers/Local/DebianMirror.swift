import Foundation

/// The Debian mirror this machine's apt uses. Local nodes get their packages from it through
/// apt-cacher-ng, because they have no route to anywhere else.
public enum DebianMirror {
    public static func find(
        environment: [String: String] = ProcessInfo.processInfo.environment, aptDirectory: String = "/etc/apt"
    ) throws -> String {
        if let explicit = environment["SILVER_DEBIAN_MIRROR"], !explicit.isEmpty { return explicit }
        var texts: [String] = []
        if let main = try? String(contentsOfFile: aptDirectory + "/sources.list", encoding: .utf8) { texts.append(main) }
        let directory = aptDirectory + "/sources.list.d"
        for file in ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        where file.hasSuffix(".list") || file.hasSuffix(".sources") {
            if let text = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8) { texts.append(text) }
        }
        for text in texts {
            if let mirror = mirror(in: text) { return mirror }
        }
        throw LocalProviderError.noDebianMirror
    }

    /// The first URI of a Debian archive (not its security archive) in one-line or deb822 form.
    static func mirror(in text: String) -> String? {
        var uris: [String] = []
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("deb ") {
                let words = line.split(separator: " ").filter { !$0.hasPrefix("[") && !$0.hasSuffix("]") }
                if words.count >= 3 { uris.append(String(words[1])) }
            } else if line.hasPrefix("URIs:") {
                uris += line.dropFirst("URIs:".count).split(separator: " ").map(String.init)
            }
        }
        return uris.first { uri in
            uri.hasSuffix("/debian") || uri.hasSuffix("/debian/")
        }.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }
}
