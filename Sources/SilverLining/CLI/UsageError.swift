/// A command given something it cannot work with, before any config is read.
public struct UsageError: UserFacingError {
    public var message: String
    public var hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    public var exitStatus: Int32 { ExitStatus.badInput }

    public var description: String {
        "error: " + message + (hint.map { "\n  " + $0 } ?? "")
    }
}
