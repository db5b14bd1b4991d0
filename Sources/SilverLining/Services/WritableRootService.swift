/// `service.writable_root`: files the app writes and nginx serves publicly, after the
/// instance's `static/` and before the app (`InstanceRecord.writableRoot`),
/// `CONFIG_WRITABLE_ROOT`. nginx reads it as a member of the app's group; other apps cannot.
extension DirectoryService {
    public static let writableRoot = DirectoryService(
        kind: .writableRoot, root: NodeLayout.writableRoots, variable: "CONFIG_WRITABLE_ROOT", mode: AppFiles.writableRootMode)
}
