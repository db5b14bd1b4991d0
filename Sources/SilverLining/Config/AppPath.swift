import Foundation

/// Paths that app.ini keys name inside the app directory (`runner`, `static`, `php_root`,
/// scripts, `config.default`): relative, never leaving the app, and without spaces, since
/// they end up in nginx and systemd configuration on the app servers.
enum AppPath {
    static func isInside(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.split(separator: "/").contains("..")
            && !path.contains(where: { $0.isWhitespace || $0 == ";" || $0 == "{" || $0 == "}" || $0 == "\"" || $0 == "'" })
    }

    static func join(_ directory: String, _ path: String) -> String {
        (directory as NSString).appendingPathComponent(path)
    }

    static func isFile(_ directory: String, _ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: join(directory, path), isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    static func isDirectory(_ directory: String, _ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: join(directory, path), isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
