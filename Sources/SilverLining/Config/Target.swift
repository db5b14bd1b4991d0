/// What a command argument names. The note: "The command will specifically look for
/// `.conf` in the name, then inferring it is not a domain name."
public enum Target: Hashable, Sendable {
    case nodeset(path: String)
    case host(name: String)

    public init(argument: String) {
        self = argument.contains(".conf") ? .nodeset(path: argument) : .host(name: argument)
    }
}
