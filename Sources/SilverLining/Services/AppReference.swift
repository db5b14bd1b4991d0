import Foundation

/// How `backup`, `restore` and `clear` are told which app: its directory (whose app.ini says
/// which services it uses) or its name (then the services are those holding data for it).
public enum AppReference: Sendable {
    case name(String)
    case directory(AppConfig)

    /// A directory holding app.ini, or any argument with a `/`, is an app directory;
    /// anything else is an app's name.
    public static func parse(_ argument: String) throws -> AppReference {
        let appIni = (argument as NSString).appendingPathComponent("app.ini")
        if argument.contains("/") || FileManager.default.fileExists(atPath: appIni) {
            return .directory(try AppLoader.load(directory: argument))
        }
        guard ValueSyntax.isSafeIdentifier(argument) else {
            throw UsageError(
                "\(argument) is neither an app directory (holding app.ini) nor an app name",
                hint: "app names are letters, digits, '_' and '-'; give a directory as ./\(argument) if that is what you mean")
        }
        return .name(argument)
    }

    public var appName: String {
        switch self {
        case .name(let name): name
        case .directory(let app): app.appName
        }
    }

    /// The services app.ini names; nil when only the name is known.
    public var kinds: [ServiceKind]? {
        switch self {
        case .name: nil
        case .directory(let app): ServiceCatalog.kinds(of: app)
        }
    }
}
