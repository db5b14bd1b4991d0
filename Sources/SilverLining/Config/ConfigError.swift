/// A place in a config file: what errors and warnings point at.
public struct ConfigLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    public var file: String
    /// 1-based; nil when the problem concerns the whole file (it is missing, or not text).
    public var line: Int?

    public init(file: String, line: Int?) {
        self.file = file
        self.line = line
    }

    /// `foobar.conf:12`, as compilers write it, so editors can jump there.
    public var description: String {
        line.map { "\(file):\($0)" } ?? file
    }
}

/// Anything wrong with a nodeset file, `~/.silverlining.conf` or an app's `app.ini`. Its
/// description reads like a compiler's:
///
///     foobar.conf:12: error: [appserver] nodes: must be a positive whole number, got "-1"
///       did you mean "node_name"?
public struct ConfigError: UserFacingError, Equatable {
    public var location: ConfigLocation
    /// The section the problem is in, without brackets (`appserver`, `service:mysql`).
    public var section: String?
    public var key: String?
    public var message: String
    /// A second line saying what to do, e.g. `did you mean "node_name"?`.
    public var hint: String?

    public init(_ location: ConfigLocation, section: String? = nil, key: String? = nil, _ message: String, hint: String? = nil) {
        self.location = location
        self.section = section
        self.key = key
        self.message = message
        self.hint = hint
    }

    public var exitStatus: Int32 { ExitStatus.badInput }

    public var description: String {
        let first = Diagnostic.line(location, "error", section: section, key: key, message)
        guard let hint else { return first }
        return first + "\n  " + hint
    }
}

/// The shared shape of errors and warnings, so both point at file, line, section and key.
enum Diagnostic {
    static func line(_ location: ConfigLocation, _ severity: String, section: String?, key: String?, _ message: String) -> String {
        var subject = ""
        if let section { subject += "[\(section)]" }
        if let key { subject += (subject.isEmpty ? "" : " ") + key }
        return "\(location): \(severity): " + (subject.isEmpty ? "" : subject + ": ") + message
    }

    static func warning(_ location: ConfigLocation, section: String? = nil, key: String? = nil, _ message: String) -> String {
        line(location, "warning", section: section, key: key, message)
    }
}
