import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// `silver run`'s node side, as Silver Lining's `run-command.py` and `save-tmp-file.py`: a
/// script found in the app's `bin/` first, run in its active instance's directory and
/// environment (Python scripts with the app's libraries on the path), as the app's user or
/// root; files silver uploaded for its arguments wait in a scratch directory in the
/// instance's TEMP.
public struct ScriptRun: Sendable {
    public var paths: NodePaths

    public init(paths: NodePaths = NodePaths()) {
        self.paths = paths
    }

    /// How a script is started: what Silver Lining's `execfile` did for Python, in Python 3.
    static let pythonBootstrap =
        "import os, runpy, sys, silverlining_runner; silverlining_runner.activate_path(os.getcwd()); "
        + "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"

    /// The command that runs `script` of `instance`: `bin/SCRIPT`, else SCRIPT as a path in
    /// the instance, else a program on the PATH (`python3`, `sh`, ...).
    public func command(script: String, arguments: [String], instance: String) -> [String] {
        let directory = paths.path(NodeLayout.instanceDirectory(instance))
        let candidates = script.contains("/") ? [script] : ["bin/" + script, script]
        guard let found = candidates.first(where: { !$0.hasPrefix("/") && Self.isFile(directory + "/" + $0) }) else {
            return [script] + arguments
        }
        let path = directory + "/" + found
        if Self.isPython(path) { return ["python3", "-c", Self.pythonBootstrap, path] + arguments }
        return (access(path, X_OK) == 0 ? [path] : ["/bin/sh", path]) + arguments
    }

    static func isFile(_ path: String) -> Bool {
        FileSystem.status(path).map { !$0.isDirectory } ?? false
    }

    /// A `.py` file, one whose `#!` line names Python, or one with no `#!` line at all:
    /// Silver Lining ran every script in `bin/` with Python's `execfile`.
    static func isPython(_ path: String) -> Bool {
        if path.hasSuffix(".py") { return true }
        guard let bytes = FileSystem.read(path) else { return false }
        let first = String(decoding: bytes.prefix(200).prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        return !first.hasPrefix("#!") || first.contains("python")
    }

    /// A new, empty directory in the active instance's TEMP for uploaded arguments.
    public func makeScratch(app: String) throws -> String {
        let instance = try NodeInventory(paths: paths).activeInstance(of: app)
        var template = Array((paths.path(NodeLayout.temporaryDirectory(instance)) + "/silver-run.XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { $0.baseAddress.flatMap { mkdtemp($0) } }
        guard made != nil else { throw AgentError.system("cannot make a directory in \(NodeLayout.temporaryDirectory(instance))", errno) }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Removes a directory `makeScratch` made, and nothing else.
    public func removeScratch(_ path: String) throws {
        let root = paths.path(NodeLayout.temporary) + "/"
        guard path.hasPrefix(root), FileSystem.basename(of: path).hasPrefix("silver-run."), !path.contains("/../") else {
            throw AgentError.failed("\(path) is not a directory silver run made")
        }
        if FileSystem.exists(path) { try FileManager.default.removeItem(atPath: path) }
    }

    /// Gives the uploaded files to the owner of the TEMP they are in (the app's user), so a
    /// script may change or remove them, as Silver Lining's own user could.
    public func handOver(_ scratch: String) throws {
        guard let owner = FileSystem.status(FileSystem.parent(of: scratch)) else { return }
        try chownTree(scratch, uid: owner.uid, gid: owner.gid)
    }

    func chownTree(_ path: String, uid: UInt32, gid: UInt32) throws {
        guard lchown(path, uid, gid) == 0 else { throw AgentError.system("cannot hand \(path) to the app", errno) }
        guard FileSystem.status(path)?.isDirectory == true else { return }
        for entry in try FileManager.default.contentsOfDirectory(atPath: path) {
            try chownTree(path + "/" + entry, uid: uid, gid: gid)
        }
    }

    /// Becomes the script (or command), so its output, terminal and exit status are silver's.
    public func run(app: String, words: [String], script: Bool, asRoot: Bool, uploads: String?) throws -> Never {
        let instance = try NodeInventory(paths: paths).activeInstance(of: app)
        guard let first = words.first else { throw AgentError.failed("no script given") }
        if let uploads, !asRoot { try handOver(uploads) }
        let command = script ? self.command(script: first, arguments: Array(words.dropFirst()), instance: instance) : words
        let process = InstanceProcess(paths: paths)
        let environment = try process.environment(instance)
        if !asRoot, getuid() == 0 { try process.become(AppAccount(app: app)) }
        try process.execute(command, environment: environment, directory: paths.path(NodeLayout.instanceDirectory(instance)))
    }
}
