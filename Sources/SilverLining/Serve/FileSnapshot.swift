import Foundation

/// What `silver serve` watches for changes: every file of the app with its modification time
/// and size, except files served as they are (static/, which need no restart), silver's own
/// logs, and hidden or compiled files (.git, editors' swap files, __pycache__).
struct FileSnapshot: Equatable {
    var files: [String: [Double]]

    init(directory: String, skipping skipped: Set<String>) {
        files = [:]
        let base = URL(fileURLWithPath: directory)
        guard let walker = FileManager.default.enumerator(
            at: base, includingPropertiesForKeys: [.contentModificationDateKey, .fileSizeKey, .isDirectoryKey], options: [.skipsHiddenFiles])
        else { return }
        for case let url as URL in walker {
            let relative = String(url.path.dropFirst(base.path.count + 1))
            let values = try? url.resourceValues(forKeys: [.contentModificationDateKey, .fileSizeKey, .isDirectoryKey])
            if values?.isDirectory == true {
                if skipped.contains(relative) || url.lastPathComponent == "__pycache__" { walker.skipDescendants() }
                continue
            }
            guard !relative.hasSuffix(".pyc") else { continue }
            files[relative] = [values?.contentModificationDate?.timeIntervalSince1970 ?? 0, Double(values?.fileSize ?? 0)]
        }
    }

    /// A file that was added, changed or removed since `earlier`, if any.
    func change(since earlier: FileSnapshot) -> String? {
        Set(files.keys).union(earlier.files.keys).sorted().first { files[$0] != earlier.files[$0] }
    }
}
