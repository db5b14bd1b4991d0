import Foundation
import Testing

@testable import SilverLining

/// A small, seeded generator so that a failing case can be reproduced from its number.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random bytes and random edits of valid files: the loaders must answer every one with a
/// nodeset or a ConfigError that names a file, never crash and never hang.
@Suite(.timeLimit(.minutes(1))) struct FuzzTests {
    static let tokens = [
        "[", "]", "=", "+=", "-=", "\n", "\n    ", "\t", " ", "#", ";", "${", "}", "${HOME}", "${vars:a}", "${general:name}",
        "${:x}", "{{", "}}", "{{n}}", "{{name}}", "$$", "[vars]\na = ${vars:a}\n", "[service:mysql]\n", "[balancer]\n",
        "nodes = 0\n", "nodes = 1000\n", "size = ram 99999999GB\n", "extends = base.conf\n", "extends = test.conf\n",
        "[general]\nextends = base.conf\n", "load_balancer = false\n", "hosts = 10.0.0.1\n", "\u{FEFF}", "é", "\u{0}", "\r\n",
    ]

    static func mutate(_ bytes: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...6, using: &random) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &random)
            switch Int.random(in: 0..<7, using: &random) {
            case 0 where position < bytes.count:
                bytes[position] = UInt8.random(in: 0...255, using: &random)
            case 1:
                bytes.insert(contentsOf: Array(tokens.randomElement(using: &random)!.utf8), at: position)
            case 2 where position < bytes.count:
                let end = min(bytes.count, position + Int.random(in: 1...40, using: &random))
                bytes.removeSubrange(position..<end)
            case 3:
                var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
                if let line = lines.randomElement(using: &random) { lines.insert(line, at: Int.random(in: 0...lines.count, using: &random)) }
                bytes = Array(lines.joined(separator: [0x0A]))
            case 4:
                var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
                if lines.count > 1 { lines.swapAt(Int.random(in: 0..<lines.count, using: &random), Int.random(in: 0..<lines.count, using: &random)) }
                bytes = Array(lines.joined(separator: [0x0A]))
            case 5:
                bytes = Array(bytes.prefix(position))
            default:
                bytes.insert(contentsOf: (0..<Int.random(in: 1...8, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) },
                    at: position)
            }
        }
        return bytes
    }

    @Test func nodesetLoaderSurvivesRandomInput() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("base.conf", "[general]\nbase_domain = example.com\n[vars]\na = 1\n")
        let example = Array(try String(contentsOfFile: Fixtures.path("foobar.conf"), encoding: .utf8).utf8)
        var random = SplitMix64(state: 20_090_420)
        var loaded = 0
        for number in 0..<2000 {
            let bytes = number % 4 == 0
                ? (0..<Int.random(in: 0...600, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                : FuzzTests.mutate(example, &random)
            let file = try scratch.write("test.conf", bytes: bytes)
            do {
                let nodeset = try NodesetLoader.load(path: file, environment: scratch.environment())
                _ = NodesetReport.text(nodeset) + NodesetReport.json(nodeset)
                loaded += 1
            } catch {
                #expect(error.description.hasPrefix(scratch.path), "case \(number): \(error)")
                #expect(!error.description.contains("XXX"), "case \(number) shows the secret: \(error)")
            }
        }
        // Mutations that keep the file valid must still happen, or the test checks little.
        #expect(loaded > 50)
    }

    @Test func appLoaderSurvivesRandomInput() throws {
        let scratch = try ScratchDirectory()
        let valid = Array("[production]\napp_name = blog\nservice.mysql =\nupdate_fetch = /setup-stuff\n    script:bin/x y\ncommand = ./serve\nenv.A = b\npackages = libpq5\n".utf8)
        var random = SplitMix64(state: 42)
        for number in 0..<500 {
            try scratch.write("app/app.ini", bytes: FuzzTests.mutate(valid, &random))
            do {
                let app = try AppLoader.load(directory: scratch.path + "/app")
                _ = AppReport.text(app) + AppReport.json(app)
            } catch {
                #expect(error.description.hasPrefix(scratch.path), "case \(number): \(error)")
            }
        }
    }

    @Test func editDistanceIsBoundedForHugeWords() {
        let huge = String(repeating: "x", count: 100_000)
        #expect(DidYouMean.suggestion(for: huge, among: ["nodes", "node_name"]) == nil)
        #expect(DidYouMean.editDistance("node_nmae", "node_name", limit: 3) == 2)
        #expect(DidYouMean.editDistance("abc", "xyz", limit: 2) == nil)
    }
}
