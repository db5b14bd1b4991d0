import Foundation
import Testing

@testable import SilverNode

@Suite struct SecretStoreTests {
    let root: String
    let store: SecretStore

    init() throws {
        root = NSTemporaryDirectory() + "silver-secrets-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        store = SecretStore(paths: NodePaths(root: root))
    }

    @Test func aSecretIsMadeOnceAndKeptForRootOnly() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let first = try store.secret(named: "mysql/blog")
        #expect(first.created)
        #expect(first.value.count == 32)
        #expect(first.value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        let again = try store.secret(named: "mysql/blog")
        #expect(again == SecretAnswer(value: first.value, created: false))
        #expect(try store.secret(named: "mysql/wiki").value != first.value)

        let file = try FileManager.default.attributesOfItem(atPath: store.directory + "/mysql/blog")
        #expect((file[.posixPermissions] as? Int) == 0o600)
        let directory = try FileManager.default.attributesOfItem(atPath: store.directory + "/mysql")
        #expect((directory[.posixPermissions] as? Int) == 0o700)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory + "/mysql").sorted() == ["blog", "wiki"])
    }

    @Test func manyAtOnceAgreeOnOneSecret() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = store
        let values = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<16 { group.addTask { try store.secret(named: "postgresql/blog").value } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(values.count == 1)
    }

    @Test(arguments: ["", "../etc/passwd", "mysql/../x", "a/b/c", "mysql/", "/mysql", "my sql/x", "mysql/."])
    func namesThatCouldEscapeAreRefused(name: String) {
        #expect(throws: AgentError.self) { try store.secret(named: name) }
        try? FileManager.default.removeItem(atPath: root)
    }
}
