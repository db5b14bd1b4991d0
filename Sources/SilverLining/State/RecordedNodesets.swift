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
            if let file = await store.providerFact("file"), FileManager.default.fileExists(atPath: file), !files.contains(file) {
                files.append(file)
            }
        }
        return files
    }

    /// The one recorded nodeset one of whose locations is `url` (`silver update APP
    /// http://foobar.com/`, or app.ini's `default_location`). The scheme does not matter, so
    /// Silver Lining's `foobar.com/blog` finds `http://foobar.com/blog/`.
    ///
    /// - Throws: `UsageError` when no nodeset has the location, or several do: deploying to
    ///   a guess would be worse than asking for the nodeset.
    public static func file(
        servingLocation url: String, home: SilverHome, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> String {
        let wanted = AppTarget.normalized(url)
        let known = try await files(home: home)
        var matches: [String] = []
        var unreadable: [String] = []
        for file in known {
            do {
                let nodeset = try NodesetLoader.load(path: file, environment: environment)
                if nodeset.locations.contains(where: { AppTarget.normalized($0.url) == wanted }) { matches.append(file) }
            } catch {
                unreadable.append("\(error.location): \(error.message)")
            }
        }
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 {
            throw UsageError("the location \(url) belongs to several nodesets: " + matches.joined(separator: ", "),
                hint: "give the nodeset file (NAME.conf) to deploy to")
        }
        var hint = known.isEmpty
            ? "silver has made nodes for no nodeset in \(home.path); give the nodeset file (NAME.conf)"
            : "nodesets silver has made nodes for: \(known.joined(separator: ", ")); give the nodeset file (NAME.conf)"
        if !unreadable.isEmpty { hint += "\n  not read: " + unreadable.joined(separator: "; ") }
        throw UsageError("no nodeset silver knows has the location \(url)", hint: hint)
    }
}
