import Foundation
import Testing

@testable import SilverLining

@Suite struct BackupLayoutTests {
    @Test func pathsAreSilverLinings() {
        let paths = ServiceKind.allCases.map { BackupLayout.path(for: $0, in: "/b") }
        #expect(paths == [
            "/b/mysql/mysql.dump", "/b/postgresql/postgresql.pgdump", "/b/postgis/postgis.pgdump", "/b/files/files.tar",
            "/b/writable_root/writable_root.tar",
        ])
    }

    @Test(arguments: [("b.tar.gz", true), ("b.tgz", true), ("b", false), ("b.tar", false), ("/x.tar.gz/b", false)])
    func archivesAreKnownByTheirName(path: String, isArchive: Bool) {
        #expect(BackupLayout.isArchive(path) == isArchive)
    }

    @Test func aBackupsServicesAreTheFoldersHoldingTheirFile() throws {
        let root = NSTemporaryDirectory() + "silver-layout-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        for kind in [ServiceKind.postgis, .files] {
            try FileManager.default.createDirectory(atPath: BackupLayout.folder(for: kind, in: root), withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: BackupLayout.path(for: kind, in: root), contents: Data()))
        }
        // A folder without its file is not a service's backup.
        try FileManager.default.createDirectory(atPath: BackupLayout.folder(for: .mysql, in: root), withIntermediateDirectories: true)
        #expect(BackupLayout.kinds(in: root) == [.postgis, .files])
        #expect(ServiceBackup.backupRoot(in: root) == root)

        let wrapped = NSTemporaryDirectory() + "silver-layout-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: wrapped) }
        try FileManager.default.createDirectory(atPath: wrapped, withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: root, toPath: wrapped + "/backup-blog")
        #expect(ServiceBackup.backupRoot(in: wrapped) == wrapped + "/backup-blog")
    }

    @Test func appsAreNamedOrGivenByDirectory() throws {
        guard case .name("blog") = try AppReference.parse("blog") else { Issue.record("a bare word is a name"); return }
        #expect(try AppReference.parse("blog").kinds == nil)
        #expect(throws: UsageError.self) { try AppReference.parse("no good") }
        #expect(throws: ConfigError.self) { try AppReference.parse("./no-such-app") }
        let fixture = try #require(Bundle.module.path(forResource: "Fixtures/apps/blog", ofType: nil))
        let app = try AppReference.parse(fixture)
        #expect(app.appName == "blog")
        #expect(app.kinds == [.mysql])
    }
}
