import Foundation
import Synchronization
import Testing

@testable import SilverNode

/// Lines `onLine` received, in the order it received them.
final class LineLog: Sendable {
    private let lines = Mutex<[String]>([])

    /// Records a line and returns how many there are now.
    @discardableResult
    func record(_ stream: CommandStream, _ line: String) -> Int {
        lines.withLock {
            $0.append((stream == .output ? "out: " : "err: ") + line)
            return $0.count
        }
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

    @Test("onLine gets each line as it is written, so output and error interleave in the program's order")
    func linesInOrderAcrossStreams() async throws {
        let log = LineLog()
        let acks = try TemporaryRoot()
        // Two pipes have no order of their own: the program writes its next line only once
        // the previous one has reached onLine, which also shows lines are not held back.
        let script = """
            ack() { n=0; while [ ! -e "$0/$1" ]; do n=$((n+1)); [ $n -gt 2000 ] && exit 9; sleep 0.005; done; }
            echo o1; ack 1; echo e1 >&2; ack 2; echo o2; ack 3; printf 'e2\\ne3' >&2
            """
        let result = try await runner.run(Command("/bin/sh", ["-c", script, acks.path]), onLine: { stream, line in
            let count = log.record(stream, line)
            _ = FileManager.default.createFile(atPath: acks.path + "/\(count)", contents: nil)
        })
        #expect(result.status == 0)
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
