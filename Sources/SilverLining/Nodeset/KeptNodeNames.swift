import Foundation

/// Service nodes keep the name they were created under. silver named a lone `[service:mysql]`
/// node `mysql1.foobar.com` before it followed the design note (`mysql.foobar.com`), and a
/// lone node that gains siblings becomes `mysql1`. A recorded node under the other name is
/// the same node, not a stray to delete and a new one to make: the nodeset calls it by the
/// name it has, and the user is told once how to rename it.
public enum KeptNodeNames {
    /// The nodeset with each node that was recorded under its former name (and not under its
    /// new one) called by the former name; and those nodes, as the nodeset names them now.
    public static func apply(to nodeset: Nodeset, recorded: [NodeRecord]) -> (nodeset: Nodeset, kept: [(now: String, kept: String)]) {
        let byName = Dictionary(recorded.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let names = Set(nodeset.nodes.map(\.name))
        var result = nodeset
        var kept: [(now: String, kept: String)] = []
        for index in result.nodes.indices {
            let spec = result.nodes[index]
            guard let former = spec.formerName, byName[spec.name] == nil, byName[former]?.role == spec.role, !names.contains(former) else {
                continue
            }
            result.nodes[index].name = former
            kept.append((spec.name, former))
        }
        return (result, kept)
    }

    /// What the user is told, once per node.
    static func notice(now: String, kept: String, role: Role, file: String) -> String {
        "\(kept) keeps the name it was created under; [\(role.sectionName)] in \(file) now names it \(now). "
            + "To keep \(kept) for good, write `node_name = \(kept)` in [\(role.sectionName)] (with one node). To move to \(now): "
            + "`silver backup` each app's data, set `node_name = \(now)`, run `silver create-node` and `silver setup-node`, "
            + "`silver restore` the backups, `silver update` each app, then `silver delete-node \(file) --force` deletes \(kept)."
    }

    /// Tells the user about each kept name not told before, and remembers it in the
    /// nodeset's directory.
    static func tell(_ kept: [(now: String, kept: String)], nodeset: Nodeset, directory: String, console: Console) {
        let path = directory + "/kept-names"
        let told = Set(((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init))
        let new = kept.filter { !told.contains($0.kept) }
        guard !new.isEmpty else { return }
        for (now, name) in new {
            let role = nodeset.nodes.first { $0.name == name }?.role ?? .service(name)
            console.warn(notice(now: now, kept: name, role: role, file: nodeset.file))
        }
        let lines = (told.sorted() + new.map(\.kept)).joined(separator: "\n") + "\n"
        try? Data(lines.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
