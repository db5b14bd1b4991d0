import Foundation

/// The nodesets silver has made nodes for on this machine, found through the file path each
/// nodeset's record keeps.
public enum RecordedNodesets {
    public static func files(home: SilverHome) async throws -> [String] {
        let directory = home.path + "/nodesets"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        var files: [String] = []
        for name in names {
            guard FileManager.default.fileExists(atPath: "\(directory)/\(name)/state.json") else { continue }
            let store = try NodesetStore(directory: "\(directory)/\(name)")
            if let file = await store.providerFact("file"), FileManager.default.fileExists(atPath: file) {
                files.append(file)
            }
        }
        return files
    }
}
