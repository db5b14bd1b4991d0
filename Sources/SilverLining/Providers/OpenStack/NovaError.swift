import Foundation

/// What can go wrong with a Rackspace or OpenStack cloud, each case saying which setting to
/// change or what to do. No case carries the API key, password or token; messages the cloud
/// sends back are redacted before they get here.
public enum NovaError: UserFacingError, Equatable {
    case missingSetting(setting: String, why: String)
    case badSetting(setting: String, problem: String)
    /// The identity service refused the account's API key or password.
    case badCredentials(account: String, message: String)
    case noRegion(regions: [String])
    case unknownRegion(String, regions: [String])
    case noCompute(services: [String])
    case noSizeFits(section: String, megabytes: Int, flavors: [String])
    case unknownSize(section: String, id: String, flavors: [String])
    case imageNotFound(setting: String, value: String, similar: [String])
    case keyPairMismatch(name: String, region: String)
    /// The create call failed and no server was made.
    case createFailed(node: String, status: Int, code: String, message: String)
    /// The server exists but the cloud put it in ERROR (or deleted it) on its way to ACTIVE.
    case serverFailed(node: String, server: String, status: String, fault: String?)
    case quota(message: String)
    case throttled(what: String, attempts: Int)
    case timedOut(waitingFor: String, subject: String, seconds: Int)
    case nodesRemain(nodeset: String, servers: [String])
    case unreachable(url: String, reason: String)
    case malformed(what: String, problem: String)
    case api(what: String, status: Int, code: String, message: String)

    public var exitStatus: Int32 {
        switch self {
        case .missingSetting, .badSetting, .badCredentials, .noRegion, .unknownRegion, .noSizeFits, .unknownSize,
            .imageNotFound:
            ExitStatus.badInput
        default:
            ExitStatus.failure
        }
    }

    /// Whether the server may exist although the create call failed: anything but a refusal
    /// of the request itself, so the provider looks for it before reporting or retrying.
    var mayHaveCreated: Bool {
        switch self {
        case .api(_, let status, _, _): status >= 500 || [408, 413, 429].contains(status)
        case .throttled, .unreachable, .malformed: true
        default: false
        }
    }

    /// A throttling answer to a call made once (413 without a quota message, 429, 503).
    var isThrottling: Bool {
        switch self {
        case .api(_, let status, _, _): [413, 429, 503].contains(status)
        case .throttled: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .missingSetting(let setting, let why):
            "\(setting) is missing: it gives \(why)"
        case .badSetting(let setting, let problem):
            "\(setting): \(problem)"
        case .badCredentials(let account, let message):
            "the identity service refused the \(account): \(message). Check [provider] username and "
                + "secret (or secret_file), and endpoint or auth_url"
        case .noRegion(let regions):
            "the account has compute endpoints in several regions (\(regions.joined(separator: ", "))): "
                + "choose one with [provider] region"
        case .unknownRegion(let region, let regions):
            "[provider] region \(region) has no compute endpoint in the account's service catalog; its regions are: "
                + (regions.isEmpty ? "(none)" : regions.joined(separator: ", "))
        case .noCompute(let services):
            "the account's service catalog has no compute (Nova) service; it has: \(services.joined(separator: ", "))"
        case .noSizeFits(let section, let megabytes, let flavors):
            "[\(section)] size asks for \(megabytes) MB of memory and no flavor has that much; the flavors are:\n"
                + flavors.map { "  " + $0 }.joined(separator: "\n")
        case .unknownSize(let section, let id, let flavors):
            "[\(section)] size \"id \(id)\" is not a flavor of this cloud; the flavors are:\n"
                + flavors.map { "  " + $0 }.joined(separator: "\n")
        case .imageNotFound(let setting, let value, let similar):
            "\(setting) \"\(value)\" matches no image of this cloud"
                + (similar.isEmpty ? "" : "; similar: \(similar.joined(separator: ", "))")
                + ". `silver list-images NODESET.conf` lists them"
        case .keyPairMismatch(let name, let region):
            "the key pair \(name) in \(region) holds a different public key than this nodeset's (id_ed25519.pub in "
                + "its silver directory). Servers made with it would not let silver in: delete the key pair if nothing "
                + "else uses it, then run again"
        // Reported per node (FanOutError names the node first), so the node is not repeated.
        case .createFailed(_, let status, let code, let message):
            "the cloud refused to create the server (HTTP \(status) \(code)): \(message). No server was made; "
                + "run create-node again once the cause is fixed"
        case .serverFailed(_, let server, let status, let fault):
            "the cloud put server \(server) in \(status)" + (fault.map { ": \($0)" } ?? "")
                + ". It stays recorded: run create-node again to replace it, or destroy-node to remove it"
        case .quota(let message):
            "an account limit stopped this: \(message). Raise the quota, lower `nodes`, or choose a smaller `size`"
        case .throttled(let what, let attempts):
            "the cloud kept throttling \(what) through \(attempts) attempts; wait a minute and run the command again"
        case .timedOut(let waitingFor, let subject, let seconds):
            "\(subject) was not \(waitingFor) after \(seconds) s; it stays recorded: run create-node again to keep "
                + "waiting, or destroy-node to remove it"
        case .nodesRemain(let nodeset, let servers):
            "nodeset \(nodeset) still has servers (\(servers.joined(separator: ", "))); destroy them before removing "
                + "its key pair"
        case .unreachable(let url, let reason):
            "cannot reach \(url): \(reason). Check the network and [provider] endpoint, auth_url or region"
        case .malformed(let what, let problem):
            "\(what) could not be read: \(problem)"
        case .api(let what, let status, let code, let message):
            "\(what) failed (HTTP \(status) \(code)): \(message)"
        }
    }
}

/// An error body as Nova and Keystone send it: one key naming the kind (`itemNotFound`,
/// `computeFault`, `overLimit`, or v3's `error`), holding `message` and `code`.
struct OpenStackFault: Equatable {
    var code: String
    var message: String

    static func parse(status: Int, body: Data) -> OpenStackFault {
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any], object.count == 1,
            let (kind, value) = object.first, let detail = value as? [String: Any]
        {
            let message = (detail["message"] as? String) ?? ""
            let title = detail["title"] as? String
            return OpenStackFault(code: kind == "error" ? (title ?? kind) : kind, message: message)
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return OpenStackFault(code: "HTTP\(status)", message: text)
    }

    /// Nova answers an exceeded quota with 413 or 403 as well as a rate limit with 413.
    var isQuota: Bool { message.lowercased().contains("quota") }
}
