import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An XML element with its text and child elements, namespaces dropped: EC2 responses are
/// small, so reading them whole into a tree and walking it is simpler than a streaming parse.
public struct XMLTree: Sendable, Hashable {
    public var name: String
    public var text: String
    public var children: [XMLTree]

    public init(name: String, text: String = "", children: [XMLTree] = []) {
        self.name = name
        self.text = text
        self.children = children
    }

    /// The first child element called `name`.
    public func child(_ name: String) -> XMLTree? {
        children.first { $0.name == name }
    }

    /// The child at a path of element names: `node["instanceState", "name"]`.
    public subscript(_ path: String...) -> XMLTree? {
        path.reduce(Optional(self)) { $0?.child($1) }
    }

    /// The trimmed text of the child at `path`, nil when absent or empty.
    public func string(_ path: String...) -> String? {
        let node = path.reduce(Optional(self)) { $0?.child($1) }
        guard let text = node?.text.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    public func int(_ path: String...) -> Int? {
        let node = path.reduce(Optional(self)) { $0?.child($1) }
        return node.flatMap { Int($0.text.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// EC2's lists: the `item` children of the child element `setName` (`instancesSet`).
    public func items(_ path: String...) -> [XMLTree] {
        let node = path.reduce(Optional(self)) { $0?.child($1) }
        return node?.children.filter { $0.name == "item" } ?? []
    }

    /// Parses a whole document; nil if it is not well-formed XML.
    public static func parse(_ data: Data) -> XMLTree? {
        let builder = TreeBuilder()
        let parser = XMLParser(data: data)
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else { return nil }
        return root
    }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XMLTree] = []
    var root: XMLTree?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        let local = elementName.split(separator: ":").last.map(String.init) ?? elementName
        stack.append(XMLTree(name: local))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard let finished = stack.popLast() else { return }
        if stack.isEmpty {
            root = finished
        } else {
            stack[stack.count - 1].children.append(finished)
        }
    }
}
