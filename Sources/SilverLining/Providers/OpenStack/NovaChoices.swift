import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What `[provider] image` asks for: `id ID`, `name PATTERN` (wildcards `*` and `?`, any
/// case), or a bare pattern. Without the setting: the newest Debian 12 image, whichever of
/// the usual names the cloud gives it (Rackspace's `Debian 12 (Bookworm) (PVHVM)`,
/// OpenStack's `debian-12-generic-amd64`).
public enum NovaImageChoice: Hashable, Sendable, CustomStringConvertible {
    case id(String)
    case name(patterns: [String])

    public static let debian12 = NovaImageChoice.name(patterns: ["Debian 12*", "debian-12*"])

    public init(setting: String?) throws {
        guard let text = setting?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            self = Self.debian12
            return
        }
        let words = text.split(separator: " ", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        switch (words.first ?? "", words.count) {
        case ("id", 2) where !words[1].isEmpty: self = .id(words[1])
        case ("name", 2) where !words[1].isEmpty: self = .name(patterns: [words[1]])
        default: self = .name(patterns: [text])
        }
    }

    public var description: String {
        switch self {
        case .id(let id): "id \(id)"
        case .name(let patterns): "name " + patterns.joined(separator: " or ")
        }
    }

    /// The images this choice matches among `images`, newest first.
    public func matches(_ images: [NovaImage]) -> [NovaImage] {
        let found: [NovaImage]
        switch self {
        case .id(let id): found = images.filter { $0.id == id }
        case .name(let patterns): found = images.filter { image in patterns.contains { Self.glob($0, image.name) } }
        }
        return found.filter { $0.status == "ACTIVE" }.sorted { ($0.created, $0.name, $0.id) > ($1.created, $1.name, $1.id) }
    }

    /// Shell-style matching, ignoring case (by lowering both: Glibc's FNM_CASEFOLD is a GNU
    /// extension Swift does not import).
    static func glob(_ pattern: String, _ name: String) -> Bool {
        fnmatch(pattern.lowercased(), name.lowercased(), 0) == 0
    }

    /// Image names worth suggesting when nothing matched: those sharing the pattern's first word.
    func similar(in images: [NovaImage]) -> [String] {
        guard case .name(let patterns) = self else { return [] }
        let words = Set(patterns.compactMap { $0.split(whereSeparator: { " -*?".contains($0) }).first?.lowercased() })
        return images.map(\.name).filter { name in words.contains { name.lowercased().hasPrefix($0) } }.sorted()
    }
}

/// Picks a flavor for a role's `size`.
public enum FlavorChoice {
    /// `ram N`: the smallest flavor with at least N MiB and at least what the image needs.
    /// `id X`: that flavor, checked against the list.
    public static func pick(_ size: NodeSize, section: String, image: NovaImage, from flavors: [NovaFlavor]) throws -> NovaFlavor {
        let sorted = flavors.sorted(by: NovaFlavor.smallerFirst)
        switch size {
        case .ram(let megabytes):
            let needed = max(megabytes, image.minRam)
            guard let flavor = sorted.first(where: { $0.ram >= needed }) else {
                throw NovaError.noSizeFits(section: section, megabytes: megabytes, flavors: sorted.map(\.summary))
            }
            return flavor
        case .id(let id):
            guard let flavor = sorted.first(where: { $0.id == id }) else {
                throw NovaError.unknownSize(section: section, id: id, flavors: sorted.map(\.summary))
            }
            return flavor
        }
    }
}
