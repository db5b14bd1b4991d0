/// Why delete-node refused, or where it stopped and what serves now.
public enum DeletionError: UserFacingError, Equatable {
    case lastAppServer(String, nodeset: String)
    case holdsData(String, kind: ServiceKind, apps: [String], nodesetFile: String)
    /// A service node that does not answer: whether it holds data cannot be told.
    case serviceUnreachable(String, address: String)
    /// An app server failed to leave and is back in rotation (`restored`); those in
    /// `outOfService` had left before and are not deleted yet.
    case rolledBack(node: String, reason: String, restored: Bool, outOfService: [String], again: String)
    /// A later phase failed: every remaining node serves; `left` are still to delete.
    case stopped(node: String, reason: String, deleted: [String], left: [String], again: String)

    public var exitStatus: Int32 {
        switch self {
        case .lastAppServer, .holdsData, .serviceUnreachable: ExitStatus.badInput
        case .rolledBack, .stopped: ExitStatus.failure
        }
    }

    public var description: String {
        switch self {
        case .lastAppServer(let node, let nodeset):
            return "\(node) is the last app server of \(nodeset): deleting it takes every app offline. Nothing was changed; "
                + "add --force to delete it anyway."
        case .holdsData(let node, let kind, let apps, let file):
            let backups = apps.map { "  silver backup \(file) \($0) \($0)-backup.tar.gz" }.joined(separator: "\n")
            return "\(node) holds the \(kind.rawValue) data of \(apps.joined(separator: ", ")), which would be deleted with it. "
                + "Nothing was changed. Keep a copy first:\n\(backups)\nthen delete it with --force."
        case .serviceUnreachable(let node, let address):
            return "\(node) (\(address)) does not answer on SSH, so whether it holds apps' data cannot be checked. Nothing was "
                + "changed. Start it (`silver create-node`) and try again, or add --force to delete it with whatever it holds."
        case .rolledBack(let node, let reason, let restored, let out, let again):
            var text = "\(node): \(reason)\n"
                + (restored ? "\(node) is back in rotation; it was not deleted." : "\(node) could not be put back into rotation; check it with `silver query`.")
            if !out.isEmpty {
                text += "\nAlready out of service, not yet deleted: \(out.joined(separator: ", ")). Run `\(again)` to finish."
            }
            return text
        case .stopped(let node, let reason, let deleted, let left, let again):
            return "\(node): \(reason)\nThe deletion stopped; every remaining node still serves. "
                + (deleted.isEmpty ? "" : "Deleted: \(deleted.joined(separator: ", ")). ")
                + "Still to delete: \(left.joined(separator: ", ")). Run `\(again)` to finish."
        }
    }
}
