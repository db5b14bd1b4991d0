/// Why replication could not be set up, or a failover could not go on.
public enum ReplicationError: UserFacingError, Equatable {
    case behind(node: String, position: String)
    case noReplica(ServiceKind, nodeset: String)
    case notReplicated(ServiceKind, nodeset: String)
    case noSuchNode(String, service: ServiceKind, nodes: [String])
    case primaryAnswers(ServiceKind, node: String, nodeset: String)
    case noReplicaAnswers(ServiceKind, replicas: [String])
    case notStreaming(node: String, primary: String, detail: String)
    case primaryNotWritable(node: String, writable: [String])

    public var exitStatus: Int32 {
        switch self {
        case .noReplica, .notReplicated, .noSuchNode, .primaryAnswers: ExitStatus.badInput
        default: ExitStatus.failure
        }
    }

    public var description: String {
        switch self {
        case .behind(let node, let position):
            "\(node) did not finish applying what it received (up to \(position)) in time; nothing was promoted. Try again, or choose another replica with --to."
        case .noReplica(let kind, let nodeset):
            "\(kind.rawValue) on \(nodeset) has no replica to promote; add nodes to [service:\(kind.rawValue)], then run create-node and setup-node."
        case .notReplicated(let kind, let nodeset):
            "\(kind.rawValue) on \(nodeset) runs on one node, with no replica to promote; set nodes = 2 or more in [service:\(kind.rawValue)]."
        case .noSuchNode(let name, let kind, let nodes):
            "\(name) is not a node of \(kind.rawValue); its nodes are \(nodes.joined(separator: ", "))"
        case .primaryAnswers(let kind, let node, let nodeset):
            "\(node), the primary of \(kind.rawValue), answers and takes writes, so there is nothing to fail over. To make another node the primary anyway, name it: `silver failover \(nodeset) \(kind.rawValue) --to NODE`."
        case .noReplicaAnswers(let kind, let replicas):
            "no replica of \(kind.rawValue) answers (\(replicas.joined(separator: ", "))), so none can be promoted; start one with `silver create-node` and try again."
        case .notStreaming(let node, let primary, let detail):
            "\(node) was made a replica of \(primary) but does not replicate: \(detail)"
        case .primaryNotWritable(let node, let writable):
            "\(node) is the recorded primary, but \(writable.joined(separator: ", ")) take\(writable.count == 1 ? "s" : "") writes too and hold\(writable.count == 1 ? "s" : "") apps' data; silver changed nothing, so as not to copy the primary over newer data. Choose the primary with `silver failover NODESET SERVICE --to NODE`."
        }
    }
}
