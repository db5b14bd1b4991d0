import Testing

@testable import SilverNode

@Suite struct ShellQuoteTests {
    @Test(
        "words a shell would change are single-quoted; plain words stay bare",
        arguments: [
            ("", "''"),
            ("plain", "plain"),
            ("/usr/bin/env", "/usr/bin/env"),
            ("--link-dest=/var/www/blog.2026-11-25_001/", "--link-dest=/var/www/blog.2026-11-25_001/"),
            ("user@host:2,3+4%", "user@host:2,3+4%"),
            ("two words", "'two words'"),
            ("it's", "'it'\\''s'"),
            ("''", "''\\'''\\'''"),
            ("$HOME", "'$HOME'"),
            ("`id`", "'`id`'"),
            ("$(id)", "'$(id)'"),
            ("a\nb", "'a\nb'"),
            ("tab\there", "'tab\there'"),
            ("*", "'*'"),
            ("~root", "'~root'"),
            ("a;b", "'a;b'"),
            ("a|b&c", "'a|b&c'"),
            ("back\\slash", "'back\\slash'"),
            ("\"double\"", "'\"double\"'"),
            ("#comment", "'#comment'"),
            ("héllo", "'héllo'"),
            ("日本", "'日本'"),
            ("🙂", "'🙂'"),
        ])
    func quoting(word: String, quoted: String) {
        #expect(Command.shellQuote(word) == quoted)
    }

    @Test func shellLineQuotesProgramAndArgumentsButNotInput() {
        let command = Command("printf", ["%s\n", "a b", ""], input: "secret")
        #expect(command.shellLine == "printf '%s\n' 'a b' ''")
        #expect(command.description == command.shellLine)
        #expect(!command.description.contains("secret"))
    }

    @Test func stepDefaultsToProgramAndTwoArguments() {
        #expect(Command("systemctl", ["restart", "nginx", "--quiet"]).step == "systemctl restart nginx")
        #expect(Command("true").step == "true")
        #expect(Command("true", step: "check").step == "check")
    }

    /// What OpenSSH does with a remote command: one string, parsed by the node's shell. The
    /// words the inner shell receives must be exactly the ones silver meant.
    @Test("random words survive a real /bin/sh unchanged")
    func roundTripThroughShell() async throws {
        var random = SplitMix64(seed: 0x5EED_5117_E4)
        let alphabet = Array("aZ09 -_./=:@,+%'\"$`\\\n\t*?~#;&|<>(){}[]!^éß日本🙂\u{301}\r")
        let runner = CommandRunner()
        for batch in 0..<12 {
            var words = (0..<40).map { _ in
                String((0..<Int(random.next() % 12)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
            }
            words += ["", "-n", "--", "'", "a'b'c"]
            let printWords = Command("/bin/sh", ["-c", "printf '%s\\0' \"$@\"", "sh"] + words)
            let result = try await runner.run(Command("/bin/sh", ["-c", printWords.shellLine]))
            #expect(result.status == 0, "batch \(batch): \(result.errorText)")
            // Bytes, not Strings: String equality would accept a canonically equivalent change.
            var received = result.output.split(separator: 0, omittingEmptySubsequences: false).map(Array.init)
            #expect(received.popLast() == [], "batch \(batch): output ends with NUL")
            #expect(received == words.map { Array($0.utf8) }, "batch \(batch)")
        }
    }
}

/// A small seeded generator (SplitMix64), so a failing random case can be reproduced.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
