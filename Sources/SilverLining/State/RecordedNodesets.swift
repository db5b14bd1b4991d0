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

    /// The recorded nodeset one of whose locations is `url` (`silver update APP http://foobar.com/`).
    public static func file(servingLocation url: String, home: SilverHome) async throws -> String {
        let wanted = AppTarget.normalized(url)
        for file in try await files(home: home) {
            let nodeset = try NodesetLoader.load(path: file)
            if nodeset.locations.contains(where: { AppTarget.normalized($0.url) == wanted }) { return file }
        }
        throw UsageError("no nodeset silver knows has the location \(url)", hint: "give the nodeset file (NAME.conf) instead")
    }
}
