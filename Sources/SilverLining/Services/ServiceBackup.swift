import Foundation

/// `silver backup`, `restore` and `clear`: an app's data in every service it uses, saved to
/// this machine in Silver Lining's layout (`BackupLayout`), put back, or emptied.
public struct ServiceBackup: Sendable {
    public var context: ServiceContext

    public init(context: ServiceContext) {
        self.context = context
    }

    private var console: Console { context.console }

    /// The services to work on: those app.ini names, or for a bare app name, those that hold
    /// data for it on the nodes.
    public func kinds(for app: AppReference) async throws -> [ServiceKind] {
        if let kinds = app.kinds { return kinds }
        var found: [ServiceKind] = []
        for kind in ServiceKind.allCases {
            // A service with no place in this nodeset cannot hold the app's data.
            guard let placement = try? ServicePlacement.resolve(kind: kind, topology: context.topology) else { continue }
            if try await ServiceCatalog.service(for: kind).hasData(app: app.appName, placement: placement, context: context) {
                found.append(kind)
            }
        }
        return found
    }

    /// Writes the app's data to `destination`, a new directory, or one archive when it ends in
    /// `.tar.gz`. Nothing appears at `destination` unless every service was saved. Returns the
    /// services saved; those without data for the app are left out, and an app with no data
    /// anywhere is an error.
    @discardableResult
    public func backup(app: AppReference, to destination: String) async throws -> [ServiceKind] {
        guard !FileManager.default.fileExists(atPath: destination) else { throw BackupError.destinationExists(destination) }
        let name = app.appName
        let kinds = try await kinds(for: app)
        let placements = try kinds.map { kind throws(ServicePlacementError) in try ServicePlacement.resolve(kind: kind, topology: context.topology) }
        let staging = try LocalScratch.make(beside: destination)
        defer { LocalScratch.remove(staging) }
        var saved: [ServiceKind] = []
        for placement in placements {
            let kind = placement.kind
            let service = ServiceCatalog.service(for: kind)
            // A bare name's services were chosen for having data; app.ini's may have none yet.
            if app.kinds != nil, try await !service.hasData(app: name, placement: placement, context: context) {
                console.say("\(kind.rawValue): \(name) has no data here yet; nothing to back up")
                continue
            }
            let folder = BackupLayout.folder(for: kind, in: staging)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let source = try await service.backup(app: name, placement: placement, into: folder, context: context)
            console.say("\(kind.rawValue): \(BackupLayout.folderName(for: kind))/\(BackupLayout.fileName(for: kind)) from \(source)")
            saved.append(kind)
        }
        guard !saved.isEmpty else { throw BackupError.nothingToBackUp(app: name, nodeset: context.session.nodeset.name) }
        if BackupLayout.isArchive(destination) {
            let partial = staging + ".tar.gz"
            defer { try? FileManager.default.removeItem(atPath: partial) }
            try await context.session.runner.check(
                Command("tar", ["--create", "--gzip", "--file=\(partial)", "--directory=\(staging)", "."], step: "write \(destination)"))
            // The archive holds the app's data: readable by its owner only, like the directory form.
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: partial)
            try FileManager.default.moveItem(atPath: partial, toPath: destination)
        } else {
            try FileManager.default.moveItem(atPath: staging, toPath: destination)
        }
        console.say("backed up \(name) to \(destination)")
        return saved
    }

    /// Replaces the app's data with a backup (a directory, or an archive ending in `.tar.gz`).
    /// With an app directory, only the services its app.ini names are restored. Returns the
    /// services restored.
    @discardableResult
    public func restore(app: AppReference, from source: String) async throws -> [ServiceKind] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else { throw BackupError.noSuchBackup(source) }
        var staging: String?
        defer { staging.map(LocalScratch.remove) }
        var root = source
        if !isDirectory.boolValue {
            let unpacked = try LocalScratch.make(beside: NSTemporaryDirectory() + "silver-restore")
            staging = unpacked
            try await context.session.runner.check(
                Command("tar", ["--extract", "--gzip", "--file=\(source)", "--directory=\(unpacked)"], step: "unpack \(source)"))
            root = Self.backupRoot(in: unpacked)
        }
        let inBackup = BackupLayout.kinds(in: root)
        guard !inBackup.isEmpty else { throw BackupError.notABackup(source) }
        var kinds = inBackup
        if let wanted = app.kinds {
            for kind in inBackup where !wanted.contains(kind) {
                console.say("\(kind.rawValue): in the backup, but \(app.appName) does not use it; skipped")
            }
            for kind in wanted where !inBackup.contains(kind) {
                console.say("\(kind.rawValue): not in the backup; left as it is")
            }
            kinds = inBackup.filter(wanted.contains)
            guard !kinds.isEmpty else { throw BackupError.nothingToRestore(app: app.appName, source: source) }
        }
        let placements = try kinds.map { kind throws(ServicePlacementError) in try ServicePlacement.resolve(kind: kind, topology: context.topology) }
        for placement in placements {
            let service = ServiceCatalog.service(for: placement.kind)
            try await service.restore(
                app: app.appName, placement: placement, from: BackupLayout.folder(for: placement.kind, in: root), context: context)
            console.say("\(placement.kind.rawValue): restored on \(placement.summary)")
        }
        return kinds
    }

    /// Empties the app's data in every service, keeping databases, users and passwords.
    @discardableResult
    public func clear(app: AppReference) async throws -> [ServiceKind] {
        let kinds = try await kinds(for: app)
        try await clear(app: app.appName, kinds: kinds)
        return kinds
    }

    /// Empties the app's data in these services (`kinds(for:)` says which hold some).
    public func clear(app: String, kinds: [ServiceKind]) async throws {
        let placements = try kinds.map { kind throws(ServicePlacementError) in try ServicePlacement.resolve(kind: kind, topology: context.topology) }
        for placement in placements {
            try await ServiceCatalog.service(for: placement.kind).clear(app: app, placement: placement, context: context)
            console.say("\(placement.kind.rawValue): emptied on \(placement.summary)")
        }
    }

    /// Where the service folders are in an unpacked archive: at its top, or inside its only
    /// directory (an archive made with `tar czf backup.tar.gz backup/`).
    static func backupRoot(in unpacked: String) -> String {
        guard BackupLayout.kinds(in: unpacked).isEmpty else { return unpacked }
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: unpacked)) ?? []).filter { !$0.hasPrefix(".") }
        guard entries.count == 1 else { return unpacked }
        return unpacked + "/" + entries[0]
    }
}

public enum BackupError: UserFacingError, Equatable {
    case destinationExists(String)
    case noSuchBackup(String)
    case notABackup(String)
    case cannotWrite(String, reason: String)
    case nothingToBackUp(app: String, nodeset: String)
    case nothingToRestore(app: String, source: String)

    public var exitStatus: Int32 { ExitStatus.badInput }

    public var description: String {
        switch self {
        case .destinationExists(let path):
            "\(path) already exists; give a new directory, or a new file ending in .tar.gz"
        case .noSuchBackup(let path):
            "no backup at \(path)"
        case .notABackup(let path):
            "\(path) holds no service data: a backup has folders such as mysql/mysql.dump or files/files.tar"
        case .nothingToBackUp(let app, let nodeset):
            "\(app) has no data in any service on \(nodeset); nothing was written"
        case .nothingToRestore(let app, let source):
            "\(source) holds none of the services \(app)'s app.ini names; nothing was changed"
        case .cannotWrite(let path, let reason):
            "cannot write in \(path): \(reason)"
        }
    }
}

/// A private directory on this machine next to where a result will go, so that moving the
/// result into place is a rename on the same file system.
enum LocalScratch {
    static func make(beside path: String) throws -> String {
        let parent = (path as NSString).deletingLastPathComponent
        let directory = parent.isEmpty ? "." : parent
        var template = Array("\(directory)/.silver-partial-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw BackupError.cannotWrite(directory, reason: String(cString: strerror(errno)))
        }
        return String(cString: made)
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
