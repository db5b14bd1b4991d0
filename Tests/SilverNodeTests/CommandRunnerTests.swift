import Synchronization
import Testing

@testable import SilverNode

/// Lines `onLine` received, in the order it received them.
final class LineLog: Sendable {
    private let lines = Mutex<[String]>([])

    func record(_ stream: CommandStream, _ line: String) {
        lines.withLock { $0.append((stream == .output ? "out: " : "err: ") + line) }
    }

    var all: [String] { lines.withLock { $0 } }
}

@Suite struct CommandRunnerTests {
    let runner = CommandRunner()

    @Test("exit statuses are results, and a signal is 128 + its number as a shell says")
    func exitStatuses() async throws {
        #expect(try await runner.run(Command("/bin/sh", ["-c", "exit 0"])).succeeded)
        let three = try await runner.run(Command("/bin/sh", ["-c", "exit 3"]))
        #expect(three.status == 3)
        #expect(!three.succeeded)
        #expect(try await runner.run(Command("/bin/sh", ["-c", "kill -TERM $$"])).status == 128 + 15)
    }

    @Test func standardInputIsDelivered() async throws {
        let result = try await runner.run(Command("cat", input: "first\nsecond"))
        #expect(result.text == "first\nsecond")
        #expect(try await runner.run(Command("wc", ["-c"])).text.trimmed == "0")
    }

    @Test("input and output larger than a pipe's buffer travel at the same time without deadlock")
    func largeInputAndOutput() async throws {
        let input = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let result = try await runner.run(Command("cat", input: input))
        #expect(result.output.count == input.count)
        #expect(result.output == input)
        let zeros = try await runner.run(Command("head", ["-c", "5000000", "/dev/zero"]))
        #expect(zeros.output.count == 5_000_000)
    }

    @Test("a program that exits without reading its input is not an error")
    func unreadInput() async throws {
        let result = try await runner.run(Command("true", input: [UInt8](repeating: 65, count: 1_000_000)))
        #expect(result.succeeded)
    }

    @Test func outputAndErrorAreKeptApart() async throws {
        let result = try await runner.run(Command("/bin/sh", ["-c", "echo out; echo err >&2"]))
        #expect(result.text == "out\n")
        #expect(result.errorText == "err\n")
    }

    @Test("onLine gets each stream's lines in order, the last one without its newline too")
    func linesInOrderWithinAStream() async throws {
        let log = LineLog()
        let result = try await runner.run(
            Command("/bin/sh", ["-c", "seq 1 20000; printf tail"]), onLine: { log.record($0, $1) })
        #expect(log.all == (1...20000).map { "out: \($0)" } + ["out: tail"])
        #expect(result.text.hasSuffix("20000\ntail"))
    }

    @Test("onLine interleaves output and error in the order the program wrote them")
    func linesInOrderAcrossStreams() async throws {
        let log = LineLog()
        // The pauses make the order observable: two pipes have no order of their own.
        let script = "echo o1; sleep 0.2; echo e1 >&2; sleep 0.2; echo o2; sleep 0.2; printf 'e2\\ne3' >&2"
        _ = try await runner.run(Command("/bin/sh", ["-c", script]), onLine: { log.record($0, $1) })
        #expect(log.all == ["out: o1", "err: e1", "out: o2", "err: e2", "err: e3"])
    }

    @Test func environmentAndWorkingDirectory() async throws {
        let result = try await runner.run(
            Command("/bin/sh", ["-c", "echo \"$SILVER_TEST_VALUE\"; pwd"]),
            environment: ["SILVER_TEST_VALUE": "a b"], workingDirectory: "/usr")
        #expect(result.text == "a b\n/usr\n")
    }

    @Test("a missing program is notFound, by name or by path")
    func missingProgram() async throws {
        for program in ["silver-no-such-program", "/nonexistent/silver-no-such-program"] {
            let error = await #expect(throws: CommandError.self) { try await runner.run(Command(program)) }
            guard case .notFound(let name) = error else {
                Issue.record("expected notFound for \(program), got \(String(describing: error))")
                continue
            }
            #expect(name == program)
            #expect(error?.description.contains("is not installed") == true)
        }
    }

    @Test("check throws failed with the command, its status and its stderr")
    func checkFails() async throws {
        let command = Command("/bin/sh", ["-c", "echo partial; echo 'disk full' >&2; exit 4"], step: "write things")
        let error = await #expect(throws: CommandError.self) { try await runner.check(command) }
        guard case .failed(let failed, let status, let errorOutput) = error else {
            Issue.record("expected failed, got \(String(describing: error))")
            return
        }
        #expect(failed == command)
        #expect(status == 4)
        #expect(errorOutput == "disk full\n")
        let description = error?.description ?? ""
        #expect(description.hasPrefix("write things failed with exit status 4: /bin/sh -c "))
        #expect(description.hasSuffix("\ndisk full"))
        #expect(try await runner.check(Command("true")).succeeded)
    }
}
