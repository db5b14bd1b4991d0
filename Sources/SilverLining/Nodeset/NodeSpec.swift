/// A node the nodeset asks for, before any provider has made it.
public struct NodeSpec: Hashable, Sendable, Codable {
    /// Host name, e.g. `app3.foobar.com`.
    public var name: String
    public var role: Role
    /// 1-based position within its role: the `{{n}}` of `node_name`.
    public var index: Int
    public var size: NodeSize?
    /// For `provider = static`: the address the role's `hosts` gives this node.
    public var staticAddress: String?
    /// The role's `image` (with `{{...}}` filled for this node); nil means the provider's
    /// own `image` setting or its default.
    public var image: String?
    /// Another default name this node can have been created under (`KeptNodeNames`).
    public var formerName: String?

    public init(
        name: String, role: Role, index: Int, size: NodeSize? = nil, staticAddress: String? = nil, image: String? = nil
    ) {
        self.name = name
        self.role = role
        self.index = index
        self.size = size
        self.staticAddress = staticAddress
        self.image = image
    }
}
