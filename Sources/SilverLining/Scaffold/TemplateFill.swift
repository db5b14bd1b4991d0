import Foundation

/// Copies a config template directory into a new one, as Silver Lining's `fill_directory`:
/// `*.tmpl` files are filled (and lose `.tmpl`), other files are copied as they are,
/// `+name+` in paths is replaced, files starting with `.` and `template.ini` are skipped.
/// A file already there with other content is first copied to `FILE.1` (or the first free
/// `FILE.N`), so nothing is lost.
public struct TemplateFill: Sendable {
    public var source: String
    public var destination: String
    /// The variables, with `dot` = "." unless given (`+dot+htaccess` names `.htaccess`).
    public var values: [String: String]

    public init(source: String, destination: String, values: [String: String]) {
        self.source = source
        self.destination = destination
        self.values = values.merging(["dot": "."]) { given, _ in given }
    }

    /// Fills every file before writing any, so a template error leaves the new directory as it was.
    public func run() throws -> [FileStep] {
        var steps: [FileStep] = []
        for (target, content) in try filled() {
            let targetPath = destination + "/" + target
            var outcome = FileStep.Outcome.created
            if let existing = FileManager.default.contents(atPath: targetPath) {
                if existing == content {
                    steps.append(FileStep(path: target, outcome: .unchanged))
                    continue
                }
                outcome = .replaced(backup: target + ".\(try backUp(targetPath))")
            }
            try FileManager.default.createDirectory(
                atPath: (targetPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try content.write(to: URL(fileURLWithPath: targetPath))
            steps.append(FileStep(path: target, outcome: outcome))
        }
        return steps
    }

    /// Each file's path in the new directory and its content.
    func filled() throws -> [(target: String, content: Data)] {
        try sourceFiles().map { relative in
            let sourcePath = source + "/" + relative
            let data = try Data(contentsOf: URL(fileURLWithPath: sourcePath))
            let target = try renderedPath(relative)
            guard relative.hasSuffix(".tmpl") else { return (target, data) }
            guard let text = String(data: data, encoding: .utf8) else {
                throw UsageError("\(sourcePath) is not UTF-8 text, so it cannot be filled as a template")
            }
            return (String(target.dropLast(".tmpl".count)), Data(try TempitaTemplate(text, file: sourcePath).render(values).utf8))
        }
    }

    /// Every file to copy, relative to `source`, in a stable order.
    func sourceFiles() throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: source) else {
            throw UsageError("cannot read the config template \(source)")
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: source + "/" + relative, isDirectory: &isDirectory)
            if !exists || isDirectory.boolValue || name.hasPrefix(".") || name == "template.ini" { continue }
            files.append(relative)
        }
        return files.sorted()
    }

    /// `+name+` replaced by the variable's value, left to right, as Silver Lining's
    /// `re.sub(r'\+(.*?)\+', ...)`.
    func renderedPath(_ path: String) throws(UsageError) -> String {
        var result = ""
        var rest = Substring(path)
        while let open = rest.firstIndex(of: "+") {
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "+") else { break }
            let name = String(rest[afterOpen..<close])
            guard let value = values[name] else {
                throw UsageError("\(source)/\(path): the file name asks for +\(name)+, which is not a variable",
                    hint: DidYouMean.hint(for: name, among: Array(values.keys), listing: "variables"))
            }
            result += rest[..<open] + value
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// Copies `path` to the first free `path.N`, N from 1, and returns N.
    func backUp(_ path: String) throws -> Int {
        var number = 1
        while FileManager.default.fileExists(atPath: "\(path).\(number)") { number += 1 }
        try FileManager.default.copyItem(atPath: path, toPath: "\(path).\(number)")
        return number
    }
}
