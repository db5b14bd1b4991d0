import Foundation
import Testing

/// Rendered configuration compared with a reviewed file under `Fixtures/golden/`.
///
/// To regenerate after an intended change, run
/// `SILVER_UPDATE_GOLDEN=1 swift test --skip IntegrationTests`: each golden is rewritten in the
/// source tree (not the built bundle). Then read every changed line with `git diff` before
/// committing: a golden is only as right as its review.
enum Golden {
    static let updateVariable = "SILVER_UPDATE_GOLDEN"

    static var updating: Bool { ProcessInfo.processInfo.environment[updateVariable] == "1" }

    /// Where the goldens live in the source tree, for rewriting them.
    static var sourceDirectory: String {
        Fixtures.packageRoot + "/Tests/SilverLiningTests/Fixtures/golden"
    }

    static func expect(_ text: String, matches name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if updating {
            let file = sourceDirectory + "/" + name
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            return
        }
        guard let data = FileManager.default.contents(atPath: Fixtures.path("golden/" + name)) else {
            Issue.record(
                "no golden file \(name); write it with \(updateVariable)=1 and review it", sourceLocation: sourceLocation)
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        guard text != expected else { return }
        let got = text.split(separator: "\n", omittingEmptySubsequences: false)
        let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let line = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, want.count)
        Issue.record(
            """
            \(name) differs from the rendered text at line \(line + 1):
              golden:   \(line < want.count ? String(want[line]) : "(end of file)")
              rendered: \(line < got.count ? String(got[line]) : "(end of text)")
            If the change is intended, rerun with \(updateVariable)=1 and review the diff.
            """, sourceLocation: sourceLocation)
    }
}
