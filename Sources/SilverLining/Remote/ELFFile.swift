import Foundation

/// Just enough of a 64-bit little-endian ELF file to list the shared libraries it needs
/// (`DT_NEEDED`), reading only the headers and the dynamic section.
struct ELFFile {
    let handle: FileHandle

    init?(path: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        self.handle = handle
    }

    /// `count` bytes from `offset`; fewer only when `exact` is false and the file ends first.
    private func bytes(at offset: UInt64, count: Int, exact: Bool = true) -> [UInt8]? {
        guard (try? handle.seek(toOffset: offset)) != nil, let data = try? handle.read(upToCount: count),
            data.count == count || (!exact && !data.isEmpty)
        else { return nil }
        return [UInt8](data)
    }

    private static func integer(_ bytes: [UInt8], _ offset: Int, _ size: Int) -> UInt64 {
        (0..<size).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
    }

    private struct Segment {
        var type: UInt32
        var offset: UInt64
        var address: UInt64
        var size: UInt64
    }

    /// The libraries a dynamically linked file needs; empty for a static one; nil when the
    /// file is not an ELF file this reads.
    func neededLibraries() -> [String]? {
        defer { try? handle.close() }
        guard let header = bytes(at: 0, count: 64), header[0..<4] == [0x7f, 0x45, 0x4c, 0x46], header[4] == 2, header[5] == 1 else {
            return nil
        }
        let tableOffset = Self.integer(header, 32, 8)
        let entrySize = Int(Self.integer(header, 54, 2))
        let count = Int(Self.integer(header, 56, 2))
        guard entrySize >= 56, count > 0, count < 4096, let table = bytes(at: tableOffset, count: entrySize * count) else { return nil }
        let segments = (0..<count).map { index in
            let base = index * entrySize
            return Segment(
                type: UInt32(Self.integer(table, base, 4)), offset: Self.integer(table, base + 8, 8),
                address: Self.integer(table, base + 16, 8), size: Self.integer(table, base + 32, 8))
        }
        guard let dynamic = segments.first(where: { $0.type == 2 }) else { return [] }
        guard dynamic.size < 1 << 20, let entries = bytes(at: dynamic.offset, count: Int(dynamic.size)) else { return nil }
        var needed: [UInt64] = []
        var stringTable: UInt64?
        for base in stride(from: 0, to: entries.count - 15, by: 16) {
            let tag = Self.integer(entries, base, 8)
            let value = Self.integer(entries, base + 8, 8)
            if tag == 0 { break }
            if tag == 1 { needed.append(value) }
            if tag == 5 { stringTable = value }
        }
        // The string table is given as an address; the loadable segment holding it says where
        // that address is in the file.
        guard let stringTable,
            let segment = segments.first(where: { $0.type == 1 && $0.address <= stringTable && stringTable < $0.address + $0.size })
        else { return needed.isEmpty ? [] : nil }
        let tableStart = stringTable - segment.address + segment.offset
        return needed.compactMap { offset in
            guard let raw = bytes(at: tableStart + offset, count: 256, exact: false) else { return nil }
            return String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
