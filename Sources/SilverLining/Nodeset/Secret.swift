/// A value that must never reach output: printing, interpolating or encoding it gives a
/// mask. Code that needs the real value asks for it by name with `reveal()`.
public struct Secret: Hashable, Sendable {
    private let value: String

    public init(_ value: String) {
        self.value = value
    }

    public func reveal() -> String { value }

    public static let mask = "********"
}

extension Secret: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { Secret.mask }
    public var debugDescription: String { Secret.mask }
}

extension Secret: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Secret.mask)
    }
}
