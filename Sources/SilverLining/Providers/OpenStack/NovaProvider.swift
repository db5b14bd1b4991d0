import Foundation

/// `provider = rackspace` and `provider = openstack`: nodes are Nova servers, reached through
/// Rackspace's identity service or Keystone (see `OpenStackAccount`).
///
/// - `prepare` signs in (so that a wrong API key or region fails before anything is made),
///   imports the nodeset's SSH key as key pair `silver-NODESET` (kept when it already holds
///   the same key), and resolves the image and each role's flavor.
/// - `ensure` finds the node's server by id, else by its name and `silver:nodeset` metadata
///   (so a re-run adopts what exists, never making a second server for a node), replaces one
///   the cloud put in ERROR, starts a stopped one, or creates one. Every server is recorded
///   the moment silver knows of it, before any wait. A create call that fails is followed by
///   a look for the server by its metadata: a cloud may report failure and make it anyway.
/// - `awaitSSH` waits for port 22, watching the server's status meanwhile, then reads the
///   host keys from the console log where the cloud offers one.
/// - `destroy` deletes and waits until the server is gone; `release` deletes the key pair.
public struct NovaProvider: Provider {
    public struct Timing: Sendable {
        public var pollInterval: Duration
        public var maxPollInterval: Duration
        public var launchTimeout: Duration
        public var deleteTimeout: Duration
        public var sshTimeout: Duration

        public init(
            pollInterval: Duration = .seconds(2), maxPollInterval: Duration = .seconds(10),
            launchTimeout: Duration = .seconds(900), deleteTimeout: Duration = .seconds(600),
            sshTimeout: Duration = .seconds(300)
        ) {
            self.pollInterval = pollInterval
            self.maxPollInterval = maxPollInterval
            self.launchTimeout = launchTimeout
            self.deleteTimeout = deleteTimeout
            self.sshTimeout = sshTimeout
        }
    }

    public static let nodesetKey = "silver:nodeset"
    public static let roleKey = "silver:role"
    /// A role without `size` gets the smallest flavor with 1 GB, enough for Debian, nginx and an app.
    public static let defaultSize = NodeSize.ram(megabytes: 1024)
    /// cloud-init user data: let the key pair log in as root (silver's user), which Debian's
    /// cloud images otherwise refuse with a message.
    public static let userData = "#cloud-config\ndisable_root: false\n"

    public let kind: String
    public let client: NovaClient
    public let settings: ProviderSettings
    public var timing: Timing

    private let images = Memo<NovaImageChoice, NovaImage>()
    private let flavorList = Memo<Int, [NovaFlavor]>()
    private let keyPairs = Memo<String, String>()

    public init(
        settings: ProviderSettings, transport: any HTTPTransport = URLSessionTransport(), retry: RetryPolicy = RetryPolicy(),
        timing: Timing = Timing()
    ) throws {
        let account = try OpenStackAccount(kind: settings.kind, settings: settings)
        _ = try NovaImageChoice(setting: settings.settings["image"])
        self.init(
            kind: settings.kind, client: NovaClient(account: account, region: settings.settings["region"], transport: transport, retry: retry),
            settings: settings, timing: timing)
    }

    public init(kind: String, client: NovaClient, settings: ProviderSettings, timing: Timing = Timing()) {
        self.kind = kind
        self.client = client
        self.settings = settings
        self.timing = timing
    }

    // MARK: Provider

    public func prepare(for nodes: [NodeSpec], context: ProviderContext) async throws {
        let region = try await client.region()
        context.console.detail("\(kind): signed in as \(client.account); region \(region)")
        // Everything that can be wrong in the nodeset is checked before the key pair is made,
        // so that a bad size or image leaves nothing behind.
        let image = try await image()
        context.console.detail("image \(image.id) (\(image.name))")
        var seen: Set<String> = []
        for spec in context.nodeset.nodes + nodes where seen.insert("\(spec.role) \(spec.size.map { "\($0)" } ?? "")").inserted {
            let flavor = try await flavor(for: spec)
            context.console.detail("[\(spec.role.sectionName)] size \(spec.size ?? Self.defaultSize) is flavor \(flavor.summary)")
        }
        _ = try await keyPair(context: context)
    }

    public func ensure(_ spec: NodeSpec, existing: NodeRecord?, context: ProviderContext) async throws -> NodeRecord {
        var server = try await findServer(for: spec, existing: existing, nodeset: context.nodeset.name)
        if let found = server, found.id != existing?.providerID {
            context.console.say("found server \(found.id) (\(found.status)) by its metadata; adopting it", node: spec.name)
            try await context.recordLaunch(try await record(spec, found))
        }
        if let failed = server, failed.isFailed {
            context.console.say(
                "server \(failed.id) is in \(failed.status)" + (failed.faultText.map { " (\($0))" } ?? "") + "; deleting it and creating another",
                node: spec.name)
            try await destroy(failed.id, node: spec.name)
            server = nil
        }
        if let stopped = server, stopped.nodeState == .stopped, stopped.status == "SHUTOFF" {
            context.console.say("starting stopped server \(stopped.id)", node: spec.name)
            try await client.startServer(stopped.id)
        }
        let id: String
        if let server {
            id = server.id
        } else {
            id = try await launch(spec, context: context)
        }
        let running = try await waitUntilActive(id, node: spec.name)
        return try await record(spec, running)
    }

    public func awaitSSH(_ record: NodeRecord, context: ProviderContext) async throws -> [String] {
        let wait = CloudSSHWait(settings: settings, timeout: timing.sshTimeout)
        try await wait.wait(for: record) {
            guard let server = try await client.server(record.providerID), !server.isGone else {
                throw NovaError.serverFailed(node: record.name, server: record.providerID, status: "DELETED", fault: nil)
            }
            if server.isFailed {
                throw NovaError.serverFailed(node: record.name, server: server.id, status: server.status, fault: server.faultText)
            }
        }
        guard let console = try await client.consoleOutput(record.providerID) else {
            context.console.detail("the cloud offers no console log to read host keys from", node: record.name)
            return []
        }
        return ConsoleHostKeys.parse(console)
    }

    public func state(of record: NodeRecord, context: ProviderContext) async throws -> NodeState {
        try await client.server(record.providerID)?.nodeState ?? .missing
    }

    public func destroy(_ record: NodeRecord, context: ProviderContext) async throws {
        context.console.say("deleting server \(record.providerID)", node: record.name)
        try await destroy(record.providerID, node: record.name)
    }

    public func release(context: ProviderContext) async throws {
        let nodeset = context.nodeset.name
        let left = try await client.servers().filter { $0.metadata[Self.nodesetKey] == nodeset && !$0.isGone }
        guard left.isEmpty else { throw NovaError.nodesRemain(nodeset: nodeset, servers: left.map(\.id).sorted()) }
        let name = Self.keyName(nodeset)
        try await client.deleteKeyPair(name: name)
        context.console.say("removed key pair \(name)")
    }

    // MARK: Servers

    public static func keyName(_ nodeset: String) -> String { "silver-\(nodeset)" }

    func record(_ spec: NodeSpec, _ server: NovaServer) async throws -> NodeRecord {
        var details = ["status": server.status, "region": try await client.region()]
        details["flavor"] = server.flavorID
        details["image"] = server.imageID
        details["private_address"] = server.privateAddress
        return NodeRecord(name: spec.name, role: spec.role, address: server.address ?? "", providerID: server.id, details: details)
    }

    /// The node's server: the recorded one while it exists, else one named for the node and
    /// carrying the nodeset's metadata (preferring one that runs, then the oldest).
    private func findServer(for spec: NodeSpec, existing: NodeRecord?, nodeset: String) async throws -> NovaServer? {
        if let existing, !existing.providerID.isEmpty, let server = try await client.server(existing.providerID), !server.isGone {
            return server
        }
        return try await serversOf(spec, nodeset: nodeset).first
    }

    private func serversOf(_ spec: NodeSpec, nodeset: String) async throws -> [NovaServer] {
        try await client.servers(named: spec.name)
            .filter { $0.name == spec.name && $0.metadata[Self.nodesetKey] == nodeset && !$0.isGone }
            .sorted { ($0.status == "ACTIVE" ? 0 : 1, $0.created ?? "", $0.id) < ($1.status == "ACTIVE" ? 0 : 1, $1.created ?? "", $1.id) }
    }

    /// Creates the node's server and records it. When the create call fails, the server may
    /// exist anyway: it is looked for by its metadata and adopted rather than made twice.
    private func launch(_ spec: NodeSpec, context: ProviderContext) async throws -> String {
        let keyName = try await keyPair(context: context)
        let image = try await image()
        let flavor = try await flavor(for: spec)
        let request = NovaClient.CreateRequest(
            name: spec.name, flavorID: flavor.id, imageID: image.id, keyName: keyName,
            metadata: [Self.nodesetKey: context.nodeset.name, Self.roleKey: spec.role.topologyKey], userData: Self.userData)
        var attempt = 0
        while true {
            attempt += 1
            do {
                let id = try await client.createServer(request)
                try await context.recordLaunch(NodeRecord(
                    name: spec.name, role: spec.role, address: "", providerID: id,
                    details: ["status": "BUILD", "region": try await client.region()]))
                context.console.say("created server \(id) (flavor \(flavor.id), \(image.name))", node: spec.name)
                return id
            } catch let error as NovaError where error.mayHaveCreated {
                if let made = try await serversOf(spec, nodeset: context.nodeset.name).first {
                    try await context.recordLaunch(try await record(spec, made))
                    context.console.say("the cloud reported a failure (\(error)) but made server \(made.id); adopting it", node: spec.name)
                    return made.id
                }
                guard error.isThrottling, attempt < client.retry.maxAttempts else {
                    throw Self.createError(error, node: spec.name)
                }
                try await client.sleep(client.retry.delay(beforeRetry: attempt, random: client.random()))
            } catch let error as NovaError {
                throw Self.createError(error, node: spec.name)
            }
        }
    }

    static func createError(_ error: NovaError, node: String) -> NovaError {
        if case .api(_, let status, let code, let message) = error {
            return .createFailed(node: node, status: status, code: code, message: message)
        }
        return error
    }

    /// Polls until the server is ACTIVE with an address; ERROR or deletion on the way ends
    /// the wait with what the cloud said.
    private func waitUntilActive(_ id: String, node: String) async throws -> NovaServer {
        try await poll(subject: "\(node) (server \(id))", until: "ACTIVE", timeout: timing.launchTimeout) {
            guard let server = try await client.server(id), !server.isGone else {
                throw NovaError.serverFailed(node: node, server: id, status: "DELETED", fault: nil)
            }
            if server.isFailed {
                throw NovaError.serverFailed(node: node, server: id, status: server.status, fault: server.faultText)
            }
            return server.status == "ACTIVE" && server.address != nil ? server : nil
        }
    }

    private func destroy(_ id: String, node: String) async throws {
        try await client.deleteServer(id)
        try await poll(subject: "\(node) (server \(id))", until: "deleted", timeout: timing.deleteTimeout) { () -> Bool? in
            guard let server = try await client.server(id), !server.isGone else { return true }
            return nil
        }
    }

    @discardableResult
    private func poll<T>(subject: String, until state: String, timeout: Duration, _ look: () async throws -> T?) async throws -> T {
        let timedOut = NovaError.timedOut(waitingFor: state, subject: subject, seconds: Int(timeout.components.seconds))
        return try await PollSchedule(first: timing.pollInterval, ceiling: timing.maxPollInterval)
            .poll(timeout: timeout, timedOut: { timedOut }, look)
    }

    // MARK: Key pair, image and flavors

    /// Imports the nodeset's public key as `silver-NODESET`, once per run.
    private func keyPair(context: ProviderContext) async throws -> String {
        let name = Self.keyName(context.nodeset.name)
        return try await keyPairs.value(for: name) {
            let line = try context.publicKey()
            guard let key = SSHPublicKey(line) else {
                throw NovaError.badSetting(
                    setting: "the nodeset's SSH key \(context.store.publicKeyPath)", problem: "is not an OpenSSH public key")
            }
            if let pair = try await client.keyPairs().first(where: { $0.name == name }) {
                guard SSHPublicKey(pair.publicKey) == key else {
                    throw NovaError.keyPairMismatch(name: name, region: try await client.region())
                }
                context.console.detail("key pair \(name) already holds the nodeset's key")
                return name
            }
            try await client.importKeyPair(name: name, publicKey: line)
            context.console.say("imported the nodeset's SSH key as key pair \(name)")
            return name
        }
    }

    public func imageChoice() throws -> NovaImageChoice {
        try NovaImageChoice(setting: settings.settings["image"])
    }

    /// The image `[provider] image` asks for (the newest that matches).
    public func image() async throws -> NovaImage {
        let choice = try imageChoice()
        return try await images.value(for: choice) {
            if case .id(let id) = choice, let image = try await client.image(id) { return image }
            let all = try await client.images()
            guard let image = choice.matches(all).first else {
                throw NovaError.imageNotFound(
                    setting: settings.settings["image"] == nil ? "the default image (Debian 12)" : "[provider] image",
                    value: choice.description, similar: choice.similar(in: all))
            }
            return image
        }
    }

    public func flavors() async throws -> [NovaFlavor] {
        try await flavorList.value(for: 0) { try await client.flavors().sorted(by: NovaFlavor.smallerFirst) }
    }

    /// The flavor for a node's `size` (by default `ram 1GB`).
    public func flavor(for spec: NodeSpec) async throws -> NovaFlavor {
        try FlavorChoice.pick(spec.size ?? Self.defaultSize, section: spec.role.sectionName, image: try await image(), from: try await flavors())
    }

    /// The images `pattern` (else `[provider] image`, else Debian 12) matches, newest first.
    public func listImages(pattern: String? = nil) async throws -> [NovaImage] {
        let choice = try pattern.map { NovaImageChoice.name(patterns: [$0]) } ?? imageChoice()
        return choice.matches(try await client.images())
    }
}
