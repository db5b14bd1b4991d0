/// `service.writable_root`: files the app writes and nginx serves publicly, after the
/// instance's `static/` and before the app (`InstanceRecord.writableRoot`),
/// `CONFIG_WRITABLE_ROOT`.
extension DirectoryService {
    public static let writableRoot = DirectoryService(
        kind: .writableRoot, root: NodeLayout.writableRoots, variable: "CONFIG_WRITABLE_ROOT", mode: 0o755)
}
