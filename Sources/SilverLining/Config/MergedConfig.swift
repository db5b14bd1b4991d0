/// A key's value after extends: its lines, and the entry that last set or changed it.
struct ConfigValue: Sendable {
    var lines: [ValueLine]
    var location: ConfigLocation
}

struct ConfigSection: Sendable {
    var name: String
    /// The header in the file that last added to this section: where a problem with the
    /// section as a whole (a missing key, say) is best fixed.
    var location: ConfigLocation
    var keyOrder: [String] = []
    var values: [String: ConfigValue] = [:]

    subscript(key: String) -> ConfigValue? {
        get { values[key] }
        set {
            if values[key] == nil, newValue != nil { keyOrder.append(key) }
            if newValue == nil { keyOrder.removeAll { $0 == key } }
            values[key] = newValue
        }
    }
}

/// Sections from one file and the files it extends, merged buildout-style: a later file's
/// `key = value` replaces, `key += value` adds lines, `key -= value` takes lines or words away.
struct MergedConfig: Sendable {
    var sectionOrder: [String] = []
    var sections: [String: ConfigSection] = [:]

    subscript(section: String) -> ConfigSection? {
        sections[section]
    }

    /// Applies a file on top of what it extends. A key set twice in one section of one file
    /// keeps the later value, with a warning: that is nearly always a leftover.
    mutating func apply(_ document: IniDocument, warnings: inout [String]) {
        for iniSection in document.sections {
            var section = sections[iniSection.name] ?? ConfigSection(name: iniSection.name, location: iniSection.location)
            section.location = iniSection.location
            var setHere: [String: Int] = [:]
            for entry in iniSection.entries {
                if entry.op == .set, let earlier = setHere[entry.key] {
                    warnings.append(Diagnostic.warning(entry.location, section: iniSection.name, key: entry.key,
                        "given twice in this section (also on line \(earlier)); the later value wins"))
                }
                if entry.op == .set { setHere[entry.key] = entry.location.line ?? 0 }
                let (lines, unmatched) = MergedConfig.applying(entry, to: section[entry.key]?.lines)
                for word in unmatched {
                    warnings.append(Diagnostic.warning(entry.location, section: iniSection.name, key: entry.key,
                        "-= removes nothing for \"\(word)\": it is not in the list"))
                }
                section[entry.key] = ConfigValue(lines: lines, location: entry.location)
            }
            insert(section)
        }
    }

    /// Puts another merged file on top of this one, key by key: how several `extends`
    /// files combine, the later winning.
    mutating func overlay(_ other: MergedConfig) {
        for name in other.sectionOrder {
            guard let top = other.sections[name] else { continue }
            var section = sections[name] ?? ConfigSection(name: name, location: top.location)
            section.location = top.location
            for key in top.keyOrder { section[key] = top.values[key] }
            insert(section)
        }
    }

    mutating func removeValue(section name: String, key: String) {
        guard var section = sections[name] else { return }
        section[key] = nil
        sections[name] = section
    }

    private mutating func insert(_ section: ConfigSection) {
        if sections[section.name] == nil { sectionOrder.append(section.name) }
        sections[section.name] = section
    }

    /// The value after one entry, and the words a `-=` asked to remove that were not there.
    static func applying(_ entry: IniEntry, to existing: [ValueLine]?) -> ([ValueLine], unmatched: [String]) {
        switch entry.op {
        case .set: return (entry.lines, [])
        case .append: return ((existing ?? []) + entry.lines, [])
        case .remove: return removing(entry.lines, from: existing ?? [])
        }
    }

    /// `-=` takes away whole lines (a `locations` line) when one matches exactly, and
    /// otherwise single words (a host name among several on one line).
    private static func removing(_ removals: [ValueLine], from lines: [ValueLine]) -> ([ValueLine], unmatched: [String]) {
        var result = lines
        var unmatched: [String] = []
        for removal in removals {
            if result.contains(where: { $0.text == removal.text }) {
                result.removeAll { $0.text == removal.text }
                continue
            }
            for word in removal.text.split(whereSeparator: \.isWhitespace).map(String.init) {
                var found = false
                result = result.compactMap { line in
                    let words = line.text.split(whereSeparator: \.isWhitespace)
                    let kept = words.filter { $0 != word }
                    if kept.count == words.count { return line }
                    found = true
                    return kept.isEmpty ? nil : ValueLine(text: kept.joined(separator: " "), location: line.location)
                }
                if !found { unmatched.append(word) }
            }
        }
        return (result, unmatched)
    }
}
