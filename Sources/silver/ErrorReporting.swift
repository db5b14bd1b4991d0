import ArgumentParser
import SilverLining

/// Every command's `run()` goes through this. A `UserFacingError` is printed once, as its
/// own description, to standard error, and becomes the exit status; left to
/// ArgumentParser it would be prefixed with "Error: " and exit 1.
func runCommand(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as any UserFacingError {
        Console.standardStreams(.error, error.description + "\n")
        throw ExitCode(error.exitStatus)
    }
}
