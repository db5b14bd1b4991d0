/// `service.files`: a private directory per app on each app server, `CONFIG_FILES`, as in
/// Silver Lining; only the app's user may enter it.
extension DirectoryService {
    public static let files = DirectoryService(
        kind: .files, root: NodeLayout.files, variable: "CONFIG_FILES", mode: AppFiles.filesMode)
}
