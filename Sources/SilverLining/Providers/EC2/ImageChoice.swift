/// What `[provider] image` asks for: `id ami-0abc...` (or just `ami-0abc...`), or
/// `name PATTERN` with `*` and `?` wildcards, of which the newest matching image is used.
/// Without the setting: the newest Debian 12 amd64 image published by Debian.
public enum ImageChoice: Hashable, Sendable, CustomStringConvertible {
    case id(String)
    /// `owners` empty means any owner.
    case name(pattern: String, owners: [String])

    /// The account Debian publishes its official cloud images from.
    public static let debianOwner = "136693071363"
    public static let debian12 = ImageChoice.name(pattern: "debian-12-amd64-*", owners: [debianOwner])

    /// Whom a `name` pattern searches when `image_owner` is not set: this account, Amazon,
    /// Debian and Canonical. A name alone is not enough, since anyone can publish an image
    /// with any name; `image_owner = any` searches every public image.
    public static let defaultOwners = ["self", "amazon", debianOwner, "099720109477"]

    /// Reads `image` and `image_owner` from the `[provider]` settings.
    public init(settings: [String: String]) throws {
        let owners = try Self.owners(settings["image_owner"])
        guard let text = settings["image"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            self = owners.map { .name(pattern: "debian-12-amd64-*", owners: $0) } ?? Self.debian12
            return
        }
        let words = text.split(separator: " ", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        switch (words.first ?? "", words.count) {
        case ("id", 2) where !words[1].isEmpty:
            self = .id(words[1])
        case ("name", 2) where !words[1].isEmpty:
            self = .name(pattern: words[1], owners: owners ?? Self.defaultOwners)
        case (let word, 1) where word.hasPrefix("ami-"):
            self = .id(word)
        default:
            throw EC2Error.badSetting(
                setting: "[provider] image",
                problem: "\"\(text)\" is not an image: write `id ami-...` or `name PATTERN` (wildcards * and ?)")
        }
    }

    /// Like `init(settings:)` but with a name pattern given on the command line.
    public static func named(_ pattern: String, settings: [String: String]) throws -> ImageChoice {
        .name(pattern: pattern, owners: try owners(settings["image_owner"]) ?? defaultOwners)
    }

    private static func owners(_ setting: String?) throws -> [String]? {
        guard let setting else { return nil }
        let owners = setting.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        if owners == ["any"] { return [] }
        guard !owners.isEmpty else {
            throw EC2Error.badSetting(
                setting: "[provider] image_owner", problem: "is empty: give account ids, `self`, `amazon`, or `any`")
        }
        return owners
    }

    public var description: String {
        switch self {
        case .id(let id): "id \(id)"
        case .name(let pattern, _): "name \(pattern)"
        }
    }

    /// The newest available image among `images` (EC2 already matched the name).
    public static func newest(_ images: [MachineImage]) -> MachineImage? {
        images.filter { $0.state == "available" }.max { ($0.creationDate, $0.id) < ($1.creationDate, $1.id) }
    }
}
