/// One line of a value, remembering where it was written so that an error in the third
/// `locations` line points at that line, even after extends and interpolation.
struct ValueLine: Hashable, Sendable {
    var text: String
    var location: ConfigLocation
}

/// `=` sets a value; `+=` and `-=` add to or take from a list value (buildout style).
enum AssignmentOperator: String, Sendable {
    case set = "="
    case append = "+="
    case remove = "-="
}

/// `key = value` as written, with its continuation lines. Empty lines are not kept, so
/// `locations =` followed by indented lines has only those lines.
struct IniEntry: Sendable {
    var key: String
    var op: AssignmentOperator
    var lines: [ValueLine]
    var location: ConfigLocation
}

struct IniSection: Sendable {
    var name: String
    var location: ConfigLocation
    var entries: [IniEntry]
}

/// One file, parsed but not yet interpreted: sections and entries in file order.
struct IniDocument: Sendable {
    var file: String
    var sections: [IniSection]
}
