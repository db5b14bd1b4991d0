import ArgumentParser
import Foundation
import SilverLining

/// Options every command that works on a nodeset's nodes shares.
struct WorkOptions: ParsableArguments {
    @Option(name: .long, help: "How many nodes to work on at once.")
    var parallel: Int = NodesetSession.defaultParallel

    @Flag(name: .shortAndLong, help: "Print every step, not only changes and failures.")
    var verbose = false

    var console: Console { Console(verbose: verbose) }

    func validate() throws {
        guard parallel >= 1 else { throw ValidationError("--parallel must be at least 1") }
    }

    func open(_ file: String) throws -> NodesetSession {
        try NodesetSession.open(file: file, console: console, parallel: parallel)
    }

    /// Like `open`, for arguments that must be a nodeset (not a host name), so that
    /// arguments given in the wrong order are caught before anything is read.
    func openNodeset(_ argument: String) throws -> NodesetSession {
        guard case .nodeset(let path) = Target(argument: argument) else {
            throw UsageError("\(argument) is not a nodeset file (NAME.conf)", hint: "see --help for the order of the arguments")
        }
        return try open(path)
    }
}

/// Asks before something that cannot be undone, unless `--yes` was given. Without a
/// terminal to ask at, it refuses rather than guessing.
func confirm(_ question: String, yes: Bool) throws {
    if yes { return }
    guard isatty(0) == 1 else {
        throw UsageError("\(question) Refusing without a terminal to ask at; add --yes to go ahead.")
    }
    print("\(question) [y/N] ", terminator: "")
    let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
    guard answer == "y" || answer == "yes" else { throw UsageError("nothing was changed") }
}
