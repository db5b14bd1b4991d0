/// `service.files`: a private directory per app on each app server, `CONFIG_FILES`, as in
/// Silver Lining.
extension DirectoryService {
    public static let files = DirectoryService(
        kind: .files, root: NodeLayout.files, variable: "CONFIG_FILES", mode: 0o750)
}
