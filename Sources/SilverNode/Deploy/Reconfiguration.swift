import FoundationEssentials

/// The node side of a database failover: every instance of the apps named gets its service
/// settings rewritten to name the new primary, and the instances that run are restarted with
/// them and waited for until healthy. Older instances are rewritten too, so that a later
/// `silver activate` never brings back one that names the old primary.
extension Activation {
    public func reconfigure(_ request: ReconfigureRequest) async throws -> ReconfigureAnswer {
        var answer = ReconfigureAnswer(rewritten: [], restarted: [])
        let apps = Set(request.rewrites.map(\.app))
        let settings = try? routerSettings()
        for record in registry.all() where apps.contains(record.app) {
            // An instance without an environment never ran; there is nothing to rewrite.
            guard let variables = try? InstanceProcess(paths: paths).variables(record.name),
                let rewritten = Reconfiguration.rewrite(variables, app: record.app, with: request.rewrites)
            else { continue }
            try AppFiles(paths: paths, account: try AppAccount(app: record.app).resolved()).writeEnvironment(rewritten, of: record.name)
            answer.rewritten.append(record.name)
            let unit = NodeLayout.unit(record.name)
            guard try await runner.run(Command("systemctl", ["is-active", "--quiet", unit])).succeeded else { continue }
            progress("restarting \(record.name) with its new settings")
            try await runner.check(Command("systemctl", ["restart", unit], step: "restart \(record.name)"))
            let host = settings?.locations.first { $0.app == record.app }?.hostname ?? "localhost"
            try await HealthCheck(runner: runner, paths: paths).wait(for: record, host: host, deadline: .seconds(request.startTimeoutSeconds))
            answer.restarted.append(record.name)
        }
        return answer
    }
}

public enum Reconfiguration {
    /// `variables` with the app's rewrites applied, or nil when none applies. A rewrite with
    /// `replaces` changes a variable only when its value is one of those (so an app's own
    /// `env.DATABASE_URL`, or another service's, is left alone); one without it sets the
    /// variable whatever it was, or adds it, in an instance that another rewrite changed.
    public static func rewrite(_ variables: [EnvironmentVariable], app: String, with rewrites: [EnvironmentRewrite]) -> [EnvironmentVariable]? {
        var result = variables
        var changed = false
        var matched = false
        let mine = rewrites.filter { $0.app == app }
        for rewrite in mine {
            guard let replaces = rewrite.replaces, let index = result.firstIndex(where: { $0.name == rewrite.name }),
                replaces.contains(result[index].value)
            else { continue }
            matched = true
            if result[index].value != rewrite.value {
                result[index].value = rewrite.value
                changed = true
            }
        }
        guard matched else { return nil }
        for rewrite in mine where rewrite.replaces == nil {
            if let index = result.firstIndex(where: { $0.name == rewrite.name }) {
                guard result[index].value != rewrite.value else { continue }
                result[index].value = rewrite.value
            } else {
                // Before PORT, where the services' variables were put.
                result.insert(EnvironmentVariable(name: rewrite.name, value: rewrite.value), at: result.firstIndex { $0.name == "PORT" } ?? result.endIndex)
            }
            changed = true
        }
        return changed ? result : nil
    }
}

/// One service variable of one app, as a failover rewrites it.
public struct EnvironmentRewrite: Codable, Sendable, Hashable {
    public var app: String
    public var name: String
    public var value: String
    /// The values it takes the place of; nil: any value, or none.
    public var replaces: [String]?

    public init(app: String, name: String, value: String, replaces: [String]?) {
        self.app = app
        self.name = name
        self.value = value
        self.replaces = replaces
    }
}

public struct ReconfigureRequest: Codable, Sendable, Equatable {
    public var rewrites: [EnvironmentRewrite]
    public var startTimeoutSeconds: Int

    public init(rewrites: [EnvironmentRewrite], startTimeoutSeconds: Int = 60) {
        self.rewrites = rewrites
        self.startTimeoutSeconds = startTimeoutSeconds
    }
}

public struct ReconfigureAnswer: Codable, Sendable, Equatable {
    /// Instances whose environment changed.
    public var rewritten: [String]
    /// Those of them that were running, restarted and healthy again.
    public var restarted: [String]

    public init(rewritten: [String], restarted: [String]) {
        self.rewritten = rewritten
        self.restarted = restarted
    }
}
