import Foundation

/// The files `silver serve` runs an app with, kept in `$SILVER_HOME/serve`: the app servers'
/// own Python loader and `silversupport` (so the app loads exactly as it does there), silver's
/// development server, and for PHP the master runner and `php -S`'s router. Rewritten when
/// they differ, so a newer silver replaces them.
struct DevelRuntime {
    var directory: String
    /// `silversupport.secret`'s file outside production (`~/.silverlining/secret.txt`), which
    /// PHP's `SILVER_SECRET` reads too, so Python and PHP apps sign alike.
    var secretPath: String

    var pythonDirectory: String { directory + "/python" }
    var phpDirectory: String { directory + "/php" }
    var server: String { pythonDirectory + "/silverlining_devel.py" }
    var phpRouter: String { phpDirectory + "/router.php" }

    var files: [(String, String)] {
        [
            (pythonDirectory + "/silverlining_runner.py", PythonRunnerSource.runner),
            (pythonDirectory + "/silversupport/__init__.py", SilverSupportSource.initFile),
            (pythonDirectory + "/silversupport/env.py", SilverSupportSource.env),
            (pythonDirectory + "/silversupport/secret.py", SilverSupportSource.secret),
            (server, DevelServerSource.python),
            (phpDirectory + "/functions.php", PHPRunnerSource.functions),
            (phpDirectory + "/master-runner.php", PHPRunnerSource.masterRunner(secretPath: secretPath, functions: phpDirectory + "/functions.php")),
            (phpRouter, DevelServerSource.phpRouter),
        ]
    }

    func write() throws {
        for (path, content) in files where (try? String(contentsOfFile: path, encoding: .utf8)) != content {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try content.write(toFile: path, atomically: true, encoding: .utf8)
        }
        if !FileManager.default.fileExists(atPath: secretPath) {
            // As silversupport makes it: 24 random bytes, URL-safe base64 without padding.
            let bytes = (0..<24).map { _ in UInt8.random(in: 0...255) }
            let text = Data(bytes).base64EncodedString().replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: "")
            try FileManager.default.createDirectory(atPath: (secretPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: secretPath), options: .withoutOverwriting)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secretPath)
        }
    }
}
