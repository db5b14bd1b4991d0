/// A program to run, with its arguments and what to feed its standard input: the one way
/// silver describes work, on this machine or on a node. Commands are built by plain
/// functions and checked by unit tests; running them is `CommandRunner`'s job.
public struct Command: Hashable, Sendable {
    public var program: String
    public var arguments: [String]
    public var input: [UInt8]
    /// What this step does, in the user's words, for progress lines and errors.
    public var step: String

    public init(_ program: String, _ arguments: [String] = [], input: [UInt8] = [], step: String? = nil) {
        self.program = program
        self.arguments = arguments
        self.input = input
        self.step = step ?? ([program] + arguments.prefix(2)).joined(separator: " ")
    }

    public init(_ program: String, _ arguments: [String] = [], input: String, step: String? = nil) {
        self.init(program, arguments, input: Array(input.utf8), step: step)
    }

    public var words: [String] { [program] + arguments }

    /// The command as one line for a POSIX shell. OpenSSH hands a remote command to the
    /// login shell as a single string, so this is the one place silver quotes words: each is
    /// single-quoted, with embedded single quotes closed, escaped and reopened.
    public var shellLine: String {
        words.map(Command.shellQuote).joined(separator: " ")
    }

    public static func shellQuote(_ word: String) -> String {
        let safe = word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./=:@,+%".contains($0)) }
        if safe && !word.isEmpty { return word }
        return "'" + word.replacing("'", with: "'\\''") + "'"
    }
}

extension Command: CustomStringConvertible {
    /// The command as a user could paste it, without its input.
    public var description: String { shellLine }
}

/// What a finished command printed and how it ended.
public struct CommandResult: Sendable {
    public var status: Int32
    public var output: [UInt8]
    public var errorOutput: [UInt8]

    public init(status: Int32, output: [UInt8], errorOutput: [UInt8]) {
        self.status = status
        self.output = output
        self.errorOutput = errorOutput
    }

    public var succeeded: Bool { status == 0 }
    public var text: String { String(decoding: output, as: UTF8.self) }
    public var errorText: String { String(decoding: errorOutput, as: UTF8.self) }
}
