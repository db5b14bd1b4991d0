/// One `NAME=value` of an app instance's environment.
public struct EnvironmentVariable: Hashable, Sendable, Codable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension EnvironmentVariable {
    /// One variable per name: a later value wins, in the place where the name first appeared.
    public static func merged(_ variables: [EnvironmentVariable]) -> [EnvironmentVariable] {
        var last: [String: String] = [:]
        for variable in variables { last[variable.name] = variable.value }
        return variables.map(\.name).uniqued().map { EnvironmentVariable(name: $0, value: last[$0]!) }
    }
}
