/// An error whose description is written for the person at the terminal: it says what went
/// wrong, where, and what to do. The CLI prints it once, without a stack trace.
public protocol UserFacingError: Error, CustomStringConvertible {
    /// The process exit status: `ExitStatus.badInput` for bad configuration or arguments,
    /// `ExitStatus.failure` for work that failed.
    var exitStatus: Int32 { get }
}

public enum ExitStatus {
    public static let failure: Int32 = 1
    public static let badInput: Int32 = 2
}
