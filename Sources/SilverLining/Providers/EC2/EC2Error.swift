import Foundation

/// What can go wrong talking to EC2, each case saying which setting to change or what to do.
/// No case carries a secret key or session token: credentials appear only as their access
/// key id and where they came from, and AWS's messages are redacted before they get here.
public enum EC2Error: UserFacingError, Equatable {
    case missingRegion
    case unknownRegion(String)
    case noCredentials(profile: String, file: String, via: String)
    case badSetting(setting: String, problem: String)
    /// AuthFailure, InvalidClientTokenId, SignatureDoesNotMatch and their kin.
    case badCredentials(code: String, message: String, credentials: String)
    /// UnauthorizedOperation: the key is valid but may not do this.
    case notAuthorized(action: String, message: String, credentials: String)
    /// InstanceLimitExceeded, VcpuLimitExceeded and other account limits.
    case quota(code: String, message: String)
    /// InsufficientInstanceCapacity: AWS has no room for this type in this zone right now.
    case capacity(code: String, message: String)
    /// RequestLimitExceeded or Throttling on every attempt.
    case throttled(action: String, attempts: Int)
    case noSizeFits(section: String, megabytes: Int, largestMiB: Int?)
    case unknownSize(section: String, id: String)
    case sizeDoesNotFitImage(section: String, id: String, typeArchitectures: [String], image: String, imageArchitecture: String)
    case imageNotFound(setting: String, value: String)
    case keyPairMismatch(name: String, region: String)
    case nodesRemain(nodeset: String, instances: [String])
    case timedOut(waitingFor: String, subject: String, seconds: Int)
    case unreachable(endpoint: String, reason: String)
    /// Any other error EC2 returned.
    case api(action: String, code: String, message: String)

    /// The EC2 error code, for callers that handle particular ones (`InvalidGroup.Duplicate`).
    public var code: String? {
        switch self {
        case .badCredentials(let code, _, _), .quota(let code, _), .capacity(let code, _), .api(_, let code, _):
            code
        default:
            nil
        }
    }

    public var exitStatus: Int32 {
        switch self {
        case .missingRegion, .unknownRegion, .noCredentials, .badSetting, .badCredentials, .noSizeFits, .unknownSize,
            .sizeDoesNotFitImage, .imageNotFound, .keyPairMismatch:
            ExitStatus.badInput
        default:
            ExitStatus.failure
        }
    }

    public var description: String {
        switch self {
        case .missingRegion:
            return "no AWS region: set `region = us-east-1` (or another) in [provider], or AWS_REGION in the environment"
        case .unknownRegion(let region):
            return "[provider] region \"\(region)\" is not an AWS region (regions look like us-east-1 or eu-west-3); "
                + "check the spelling, or use `endpoint =` for an EC2-compatible service"
        case .noCredentials(let profile, let file, let via):
            return "no AWS credentials: [provider] has no username/secret, AWS_ACCESS_KEY_ID is not set, and "
                + "\(via) (profile \"\(profile)\") is not in \(file). Set `username` (the access key id) and "
                + "`secret_file` in [provider], or configure that profile"
        case .badSetting(let setting, let problem):
            return "\(setting) \(problem)"
        case .badCredentials(let code, let message, let credentials):
            return "AWS rejected the credentials (\(code)): \(message). They are the \(credentials); "
                + "check [provider] username and secret (or secret_file), the profile, or AWS_ACCESS_KEY_ID"
        case .notAuthorized(let action, let message, let credentials):
            return "AWS refused \(action) for the \(credentials): \(message). "
                + "Give that user or role permission for ec2:\(action)"
        case .quota(let code, let message):
            return "an AWS account limit stopped this (\(code)): \(message). Ask AWS for a higher limit "
                + "(Service Quotas in the console), lower `nodes`, or choose a smaller `size`"
        case .capacity(let code, let message):
            return "AWS has no capacity for this instance type right now (\(code)): \(message). "
                + "Retry later, or choose another `size` for the role"
        case .throttled(let action, let attempts):
            return "AWS kept throttling \(action) (RequestLimitExceeded) through \(attempts) attempts; "
                + "wait a minute and run the command again"
        case .noSizeFits(let section, let megabytes, let largest):
            let detail = largest.map { "; the largest available has \($0) MiB" } ?? ""
            return "[\(section)] size asks for \(megabytes) MB of memory, and no EC2 instance type has that much\(detail)"
        case .unknownSize(let section, let id):
            return "[\(section)] size \"id \(id)\" is not an EC2 instance type in this region; "
                + "`silver list-sizes NODESET.conf` lists them"
        case .sizeDoesNotFitImage(let section, let id, let typeArchitectures, let image, let imageArchitecture):
            return "[\(section)] size \"id \(id)\" runs \(typeArchitectures.joined(separator: "/")) but the image "
                + "\(image) is \(imageArchitecture); choose a matching size or [provider] image"
        case .imageNotFound(let setting, let value):
            return "\(setting) \"\(value)\" matches no machine image in this region; "
                + "`silver list-images NODESET.conf --name PATTERN` lists the ones that exist"
        case .keyPairMismatch(let name, let region):
            return "the EC2 key pair \(name) in \(region) holds a different public key than this nodeset's "
                + "(id_ed25519.pub in its silver directory). Nodes made with it would not let silver in: delete the "
                + "key pair (aws ec2 delete-key-pair --key-name \(name)) if nothing else uses it, then run again"
        case .nodesRemain(let nodeset, let instances):
            return "nodeset \(nodeset) still has instances (\(instances.joined(separator: ", "))); "
                + "destroy them before removing its security groups and key pair"
        case .timedOut(let waitingFor, let subject, let seconds):
            return "\(subject) was not \(waitingFor) after \(seconds) s; check it in the EC2 console and run again"
        case .unreachable(let endpoint, let reason):
            return "cannot reach EC2 at \(endpoint): \(reason). Check the network and [provider] region or endpoint"
        case .api(let action, let code, let message):
            return "EC2 \(action) failed (\(code)): \(message)"
        }
    }
}
