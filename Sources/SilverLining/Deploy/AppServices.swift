/// The services an app asks for, made ready before its instances are installed.
public struct PreparedServices: Sendable {
    /// Variables every instance gets (settings pointing at the service nodes).
    public var environment: [EnvironmentVariable] = []
    /// Client libraries app servers need.
    public var clientPackages: [String] = []
    /// Plans applied to every app server first (services that run on app servers).
    public var appServerPlans: [NodePlan] = []
}

enum AppServices {
    static func prepare(app: AppConfig, context: ServiceContext, clear: Bool) async throws -> PreparedServices {
        guard app.services.isEmpty else {
            throw DeployError.failedBeforeSwitching(reason: "services are not wired into update yet")
        }
        return PreparedServices()
    }
}
