import Foundation

/// How a backup is laid out, as Silver Lining wrote it: a directory with one folder per
/// service, each holding that service's dump (`mysql/mysql.dump`, `postgis/postgis.pgdump`,
/// `files/files.tar`, ...), or the same as one `.tar.gz` archive.
public enum BackupLayout {
    public static func folderName(for kind: ServiceKind) -> String { kind.rawValue }

    public static func fileName(for kind: ServiceKind) -> String {
        switch kind {
        case .mysql: "mysql.dump"
        case .postgresql: "postgresql.pgdump"
        case .postgis: "postgis.pgdump"
        case .files: "files.tar"
        case .writableRoot: "writable_root.tar"
        }
    }

    public static func folder(for kind: ServiceKind, in root: String) -> String {
        "\(root)/\(folderName(for: kind))"
    }

    /// `root/mysql/mysql.dump` and the like.
    public static func path(for kind: ServiceKind, in root: String) -> String {
        "\(folder(for: kind, in: root))/\(fileName(for: kind))"
    }

    /// Whether a backup's path names one archive rather than a directory.
    public static func isArchive(_ path: String) -> Bool {
        path.hasSuffix(".tar.gz") || path.hasSuffix(".tgz")
    }

    /// The services a backup directory holds data for, in `ServiceKind` order.
    public static func kinds(in root: String) -> [ServiceKind] {
        ServiceKind.allCases.filter { FileManager.default.fileExists(atPath: path(for: $0, in: root)) }
    }
}
