import Foundation

/// `provider = ec2`: nodes are EC2 instances.
///
/// - `prepare` imports the nodeset's SSH key as key pair `silver-NODESET` (kept when EC2
///   already holds the same key), makes one security group per role, `silver-NODESET-ROLE`,
///   whose ingress is exactly `Firewall.rules(for:in:)`, and resolves the image and each
///   role's instance type, so that a bad `size` or `image` fails before anything launches.
/// - `ensure` finds the node's instance by id, else by its `Name` and `silver:nodeset` tags
///   (so re-running create-node reuses what exists and only adds what is missing), starts it
///   if stopped, launches it if absent, and waits until it runs by polling with a deadline.
/// - Every instance is recorded (`context.recordLaunch`) the moment it is launched or found,
///   before any wait, so that a failure later leaves it where destroy-node finds it.
/// - Host keys are read from the console output that cloud-init writes on first boot, when
///   the instance runs and again once it answers on SSH (`awaitSSH`). Without that output
///   create-node pins the keys the node presents first (trust on first use), with a
///   warning. Keys already recorded for the node are kept.
/// - `destroy` terminates and waits until terminated; `release` removes the security groups
///   and the key pair once no instance of the nodeset is left.
public struct EC2Provider: Provider {
    public struct Timing: Sendable {
        /// The first wait between two looks at an instance; later waits grow to `maxPollInterval`.
        public var pollInterval: Duration
        public var maxPollInterval: Duration
        public var launchTimeout: Duration
        public var terminateTimeout: Duration
        /// How long `release` keeps trying to delete groups still in use by terminated instances.
        public var releaseTimeout: Duration
        /// How long create-node waits for a running instance to answer on SSH.
        public var sshTimeout: Duration

        public init(
            pollInterval: Duration = .seconds(2), maxPollInterval: Duration = .seconds(10),
            launchTimeout: Duration = .seconds(600), terminateTimeout: Duration = .seconds(600),
            releaseTimeout: Duration = .seconds(300), sshTimeout: Duration = .seconds(300)
        ) {
            self.pollInterval = pollInterval
            self.maxPollInterval = maxPollInterval
            self.launchTimeout = launchTimeout
            self.terminateTimeout = terminateTimeout
            self.releaseTimeout = releaseTimeout
            self.sshTimeout = sshTimeout
        }
    }

    public static let nodesetTag = "silver:nodeset"
    public static let roleTag = "silver:role"
    /// A role without `size` gets the smallest type with 1 GB, enough for Debian, nginx and an app.
    public static let defaultSize = NodeSize.ram(megabytes: 1024)
    /// cloud-init user data: put the key pair into root's authorized_keys as well (silver
    /// logs in as root), where Debian's images would otherwise refuse root with a message.
    public static let userData = "#cloud-config\ndisable_root: false\n"

    public let client: EC2Client
    public let settings: ProviderSettings
    public var timing: Timing

    private let images = Memo<ImageChoice, MachineImage>()
    private let catalogs = Memo<Int, InstanceTypeCatalog>()
    private let sizes = Memo<SizeKey, String>()
    private let preparations = Memo<String, Preparation>()

    private struct SizeKey: Hashable, Sendable {
        var role: Role
        var size: NodeSize?
    }

    private struct Preparation: Sendable {
        var keyName: String
        var groupIDs: [Role: String]
    }

    /// Reads region, credentials and `endpoint` from `settings` and the environment (see
    /// `AWSCredentialResolver` for the order).
    public init(
        settings: ProviderSettings, environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: any HTTPTransport = URLSessionTransport(), retry: RetryPolicy = RetryPolicy(), timing: Timing = Timing()
    ) throws {
        let resolver = AWSCredentialResolver(settings: settings, environment: environment)
        let region = try resolver.region()
        let endpoint = try Self.endpoint(settings.settings["endpoint"])
        let credentials = try resolver.credentials()
        self.init(
            client: EC2Client(region: region, credentials: credentials, endpoint: endpoint, transport: transport, retry: retry),
            settings: settings, timing: timing)
    }

    public init(client: EC2Client, settings: ProviderSettings, timing: Timing = Timing()) {
        self.client = client
        self.settings = settings
        self.timing = timing
    }

    static func endpoint(_ setting: String?) throws -> URL? {
        guard let text = setting?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host?.isEmpty == false
        else {
            throw EC2Error.badSetting(
                setting: "[provider] endpoint",
                problem: "\"\(text)\" is not an http:// or https:// URL (for example https://ec2.us-east-1.amazonaws.com)")
        }
        return url
    }

    // MARK: Provider

    public func prepare(for nodes: [NodeSpec], context: ProviderContext) async throws {
        let preparation = try await makePreparation(context: context)
        await preparations.set(preparation, for: context.nodeset.name)
        var seen: Set<SizeKey> = []
        for spec in context.nodeset.nodes + nodes where seen.insert(SizeKey(role: spec.role, size: spec.size)).inserted {
            _ = try await instanceType(for: spec, console: context.console)
        }
    }

    public func ensure(_ spec: NodeSpec, existing: NodeRecord?, context: ProviderContext) async throws -> NodeRecord {
        let nodeset = context.nodeset.name
        var instance = try await findInstance(for: spec, existing: existing, nodeset: nodeset)
        if let found = instance, found.id != existing?.providerID {
            context.console.detail("found instance \(found.id) (\(found.state)) by its tags", node: spec.name)
            try await context.recordLaunch(record(spec, found))
        }
        switch instance?.state {
        case "stopping"?:
            context.console.say("\(instance!.id) is stopping; waiting to start it again", node: spec.name)
            try await wait(for: instance!.id, subject: spec.name, until: "stopped", timeout: timing.launchTimeout) {
                $0?.state == "stopped"
            }
            fallthrough
        case "stopped"?:
            context.console.say("starting stopped instance \(instance!.id)", node: spec.name)
            try await client.startInstances([instance!.id])
        case nil:
            instance = try await launch(spec, context: context)
        default:
            break
        }
        let id = instance!.id
        let found = try await wait(for: id, subject: spec.name, until: "running", timeout: timing.launchTimeout) { found in
            if let found, found.isGone {
                throw EC2Error.api(
                    action: "RunInstances", code: "InstanceTerminated",
                    message: "\(spec.name) (\(id)) was \(found.state) before it ran" + (found.stateReason.map { ": \($0)" } ?? ""))
            }
            return found?.state == "running" && found?.address != nil
        }
        guard let running = found, let address = running.address else {
            throw EC2Error.api(action: "DescribeInstances", code: "MalformedResponse", message: "\(id) runs without an address")
        }
        var hostKeys = await hostKeys(of: id, node: spec.name, console: context.console)
        if hostKeys.isEmpty, let existing, existing.providerID == id {
            hostKeys = existing.hostKeys
        }
        return NodeRecord(
            name: spec.name, role: spec.role, address: address, providerID: id, hostKeys: hostKeys,
            details: details(of: running))
    }

    /// Waits for port 22, watching that the instance still runs, then reads the host keys
    /// from the console again if cloud-init had not printed them when the instance started.
    public func awaitSSH(_ record: NodeRecord, context: ProviderContext) async throws -> [String] {
        try await CloudSSHWait(settings: settings, timeout: timing.sshTimeout).wait(for: record) {
            let instance = try await client.instance(record.providerID)
            guard let instance, !instance.isGone else {
                throw EC2Error.api(
                    action: "DescribeInstances", code: "InstanceTerminated",
                    message: "\(record.name) (\(record.providerID)) is \(instance?.state ?? "gone")"
                        + (instance?.stateReason.map { ": \($0)" } ?? ""))
            }
        }
        guard record.hostKeys.isEmpty else { return record.hostKeys }
        return await hostKeys(of: record.providerID, node: record.name, console: context.console)
    }

    private func record(_ spec: NodeSpec, _ instance: EC2Instance) -> NodeRecord {
        NodeRecord(
            name: spec.name, role: spec.role, address: instance.address ?? "", providerID: instance.id,
            details: details(of: instance))
    }

    public func state(of record: NodeRecord, context: ProviderContext) async throws -> NodeState {
        guard let instance = try await client.instance(record.providerID) else { return .missing }
        return Self.nodeState(instance.state)
    }

    /// EC2's instance states as silver's: pending counts as running (it is on its way and
    /// `ensure` waits for it), stopping as stopped, and shutting-down as gone.
    public static func nodeState(_ ec2State: String) -> NodeState {
        switch ec2State {
        case "pending", "running": .running
        case "stopping", "stopped": .stopped
        default: .missing
        }
    }

    public func destroy(_ record: NodeRecord, context: ProviderContext) async throws {
        do {
            try await client.terminateInstances([record.providerID])
        } catch let error as EC2Error where error.code == "InvalidInstanceID.NotFound" {
            return
        }
        context.console.say("terminating \(record.providerID)", node: record.name)
        try await wait(for: record.providerID, subject: record.name, until: "terminated", timeout: timing.terminateTimeout) {
            $0 == nil || $0?.state == "terminated"
        }
    }

    public func release(context: ProviderContext) async throws {
        let nodeset = context.nodeset.name
        let left = try await client.describeInstances(filters: [
            ("tag:\(Self.nodesetTag)", [nodeset]),
            ("instance-state-name", ["pending", "running", "stopping", "stopped", "shutting-down"]),
        ])
        let kept = left.filter { $0.state != "shutting-down" }
        guard kept.isEmpty else { throw EC2Error.nodesRemain(nodeset: nodeset, instances: kept.map(\.id).sorted()) }
        for instance in left {
            try await wait(for: instance.id, subject: instance.tags["Name"] ?? instance.id, until: "terminated", timeout: timing.terminateTimeout) {
                $0 == nil || $0?.state == "terminated"
            }
        }
        let groups = try await nodesetGroups(context: context)
        // A group named in another group's rule cannot be deleted: drop such rules first.
        for group in groups {
            let references = group.ingress.filter { if case .group = $0.source { true } else { false } }
                .map { (rule: $0, description: group.descriptions[$0] ?? "") }
            try await ignoring(["InvalidPermission.NotFound"]) {
                try await client.revokeIngress(groupID: group.id, rules: references)
            }
        }
        for group in groups {
            try await deleteGroup(group, context: context)
        }
        let keyName = Self.keyName(nodeset)
        try await ignoring(["InvalidKeyPair.NotFound"]) { try await client.deleteKeyPair(name: keyName) }
        context.console.say("removed key pair \(keyName) and \(groups.count) security group(s)")
    }

    // MARK: Key pair and security groups

    public static func keyName(_ nodeset: String) -> String { "silver-\(nodeset)" }

    private func tags(_ nodeset: String) -> [(key: String, value: String)] {
        [(Self.nodesetTag, nodeset)]
    }

    private func makePreparation(context: ProviderContext) async throws -> Preparation {
        let keyName = try await ensureKeyPair(context: context)
        let groupIDs = try await ensureSecurityGroups(context: context)
        return Preparation(keyName: keyName, groupIDs: groupIDs)
    }

    private func preparation(context: ProviderContext) async throws -> Preparation {
        try await preparations.value(for: context.nodeset.name) { try await makePreparation(context: context) }
    }

    private func ensureKeyPair(context: ProviderContext) async throws -> String {
        let name = Self.keyName(context.nodeset.name)
        let line = try context.publicKey()
        guard let key = SSHPublicKey(line) else {
            throw EC2Error.badSetting(
                setting: "the nodeset's SSH key \(context.store.publicKeyPath)", problem: "is not an OpenSSH public key")
        }
        if let pair = try await client.keyPair(named: name) {
            guard key.matches(pair) else { throw EC2Error.keyPairMismatch(name: name, region: client.region) }
            context.console.detail("key pair \(name) already holds the nodeset's key")
            return name
        }
        do {
            try await client.importKeyPair(name: name, publicKey: line, tags: tags(context.nodeset.name))
            context.console.say("imported the nodeset's SSH key as key pair \(name)")
        } catch let error as EC2Error where error.code == "InvalidKeyPair.Duplicate" {
            // Imported by a concurrent run since we looked: accept it if it is the same key.
            guard let pair = try await client.keyPair(named: name), key.matches(pair) else {
                throw EC2Error.keyPairMismatch(name: name, region: client.region)
            }
        }
        return name
    }

    /// Makes sure every role of the nodeset has its group and that each group's ingress is
    /// exactly the firewall's: missing rules are added, others revoked.
    private func ensureSecurityGroups(context: ProviderContext) async throws -> [Role: String] {
        let nodeset = context.nodeset
        let roles = Array(Set(nodeset.nodes.map(\.role))).sorted()
        var groups: [Role: EC2SecurityGroup] = [:]
        let names = roles.map { EC2Firewall.groupName(nodeset: nodeset.name, role: $0) }
        let found = names.isEmpty ? [] : try await client.describeSecurityGroups(filters: [("group-name", names)])
        var groupIDs: [Role: String] = [:]
        for role in roles {
            let name = EC2Firewall.groupName(nodeset: nodeset.name, role: role)
            if let group = found.first(where: { $0.name == name }) {
                groups[role] = group
                groupIDs[role] = group.id
                continue
            }
            do {
                groupIDs[role] = try await client.createSecurityGroup(
                    name: name, description: "silver nodeset \(nodeset.name), \(role) nodes",
                    tags: tags(nodeset.name) + [(Self.roleTag, role.topologyKey)])
                context.console.say("created security group \(name)")
            } catch let error as EC2Error where error.code == "InvalidGroup.Duplicate" {
                guard let group = try await client.describeSecurityGroups(filters: [("group-name", [name])]).first else { throw error }
                groups[role] = group
                groupIDs[role] = group.id
            }
        }
        for role in roles {
            guard let id = groupIDs[role] else { continue }
            let desired = EC2Firewall.ingress(for: role, in: nodeset, groupIDs: groupIDs)
            let current = Set(groups[role]?.ingress ?? [])
            let wanted = Set(desired.map(\.rule))
            let missing = desired.filter { !current.contains($0.rule) }
            let extra = current.subtracting(wanted).sorted().map { (rule: $0, description: groups[role]?.descriptions[$0] ?? "") }
            try await ignoring(["InvalidPermission.Duplicate"]) { try await client.authorizeIngress(groupID: id, rules: missing) }
            try await ignoring(["InvalidPermission.NotFound"]) { try await client.revokeIngress(groupID: id, rules: extra) }
            if !missing.isEmpty || !extra.isEmpty {
                context.console.detail(
                    "security group \(EC2Firewall.groupName(nodeset: nodeset.name, role: role)): "
                        + "\(missing.count) rule(s) added, \(extra.count) revoked")
            }
        }
        return groupIDs
    }

    /// The nodeset's groups: those tagged with it, and those named for its roles.
    private func nodesetGroups(context: ProviderContext) async throws -> [EC2SecurityGroup] {
        let nodeset = context.nodeset.name
        var groups = try await client.describeSecurityGroups(filters: [("tag:\(Self.nodesetTag)", [nodeset])])
        let names = Set(context.nodeset.nodes.map { EC2Firewall.groupName(nodeset: nodeset, role: $0.role) })
        if !names.isEmpty {
            for group in try await client.describeSecurityGroups(filters: [("group-name", names.sorted())])
            where !groups.contains(where: { $0.id == group.id }) {
                groups.append(group)
            }
        }
        return groups.sorted { $0.name < $1.name }
    }

    /// Deletes a group, retrying while EC2 still counts it as used by instances that are
    /// terminating (DependencyViolation), up to `releaseTimeout`.
    private func deleteGroup(_ group: EC2SecurityGroup, context: ProviderContext) async throws {
        let deadline = ContinuousClock.now + timing.releaseTimeout
        var interval = timing.pollInterval
        while true {
            do {
                try await client.deleteSecurityGroup(id: group.id)
                return
            } catch let error as EC2Error where error.code == "InvalidGroup.NotFound" {
                return
            } catch let error as EC2Error where error.code == "DependencyViolation" {
                guard ContinuousClock.now + interval < deadline else { throw error }
                context.console.detail("security group \(group.name) is still in use; trying again")
                try await Task.sleep(for: interval)
                interval = min(interval * 2, timing.maxPollInterval)
            }
        }
    }

    // MARK: Instances

    private func findInstance(for spec: NodeSpec, existing: NodeRecord?, nodeset: String) async throws -> EC2Instance? {
        if let existing, !existing.providerID.isEmpty, let instance = try await client.instance(existing.providerID),
            !instance.isGone
        {
            return instance
        }
        let candidates = try await client.describeInstances(filters: [
            ("tag:\(Self.nodesetTag)", [nodeset]),
            ("tag:Name", [spec.name]),
            ("instance-state-name", ["pending", "running", "stopping", "stopped"]),
        ])
        // Should two exist (a launch retried by hand), prefer one that runs, then the oldest.
        return candidates.min { a, b in
            (a.state == "running" ? 0 : 1, a.launchTime ?? "", a.id) < (b.state == "running" ? 0 : 1, b.launchTime ?? "", b.id)
        }
    }

    private func launch(_ spec: NodeSpec, context: ProviderContext) async throws -> EC2Instance {
        let preparation = try await preparation(context: context)
        let image = try await image()
        let type = try await instanceType(for: spec, console: context.console)
        guard let groupID = preparation.groupIDs[spec.role] else {
            throw EC2Error.api(
                action: "RunInstances", code: "NoSecurityGroup",
                message: "the nodeset has no \(spec.role) nodes, so no security group for \(spec.name)")
        }
        let instance = try await client.runInstance(
            EC2Client.LaunchRequest(
                imageID: image.id, instanceType: type, keyName: preparation.keyName, securityGroupIDs: [groupID],
                tags: [("Name", spec.name), (Self.nodesetTag, context.nodeset.name), (Self.roleTag, spec.role.topologyKey)],
                userData: Self.userData, clientToken: UUID().uuidString))
        try await context.recordLaunch(record(spec, instance))
        context.console.say("launched \(instance.id) (\(type), \(image.id) \(image.name))", node: spec.name)
        return instance
    }

    /// Polls the instance until `done` says so, waiting longer between looks up to
    /// `maxPollInterval`, and returns what it last saw (nil: EC2 does not know the instance,
    /// which happens for a just-launched one too). Throws `timedOut` when `timeout` passes.
    @discardableResult
    private func wait(
        for id: String, subject: String, until state: String, timeout: Duration,
        _ done: (EC2Instance?) throws -> Bool
    ) async throws -> EC2Instance? {
        let schedule = PollSchedule(first: timing.pollInterval, ceiling: timing.maxPollInterval)
        let timedOut = EC2Error.timedOut(waitingFor: state, subject: "\(subject) (\(id))", seconds: seconds(timeout))
        return try await schedule.poll(timeout: timeout, timedOut: { timedOut }) { () -> EC2Instance?? in
            let instance = try await client.instance(id)
            return try done(instance) ? .some(instance) : nil
        }
    }

    private func hostKeys(of id: String, node: String, console: Console) async -> [String] {
        do {
            let keys = ConsoleHostKeys.parse(try await client.consoleOutput(id) ?? "")
            if keys.isEmpty {
                console.detail("no host keys in the console output yet; they will be taken on first contact", node: node)
            }
            return keys
        } catch {
            console.detail("could not read the console output: \(error)", node: node)
            return []
        }
    }

    private func details(of instance: EC2Instance) -> [String: String] {
        var details = ["region": client.region, "instance_type": instance.instanceType, "image": instance.imageID]
        details["private_address"] = instance.privateAddress
        details["public_address"] = instance.publicAddress
        details["availability_zone"] = instance.availabilityZone
        return details
    }

    // MARK: Image and size

    public func imageChoice() throws -> ImageChoice {
        try ImageChoice(settings: settings.settings)
    }

    /// The image `[provider] image` asks for.
    public func image() async throws -> MachineImage {
        let choice = try imageChoice()
        return try await images.value(for: choice) { try await resolve(choice) }
    }

    private func resolve(_ choice: ImageChoice) async throws -> MachineImage {
        switch choice {
        case .id(let id):
            do {
                if let image = try await client.describeImages(ids: [id]).first { return image }
            } catch let error as EC2Error where ["InvalidAMIID.NotFound", "InvalidAMIID.Malformed", "InvalidAMIID.Unavailable"].contains(error.code) {
            }
            throw EC2Error.imageNotFound(setting: "[provider] image", value: choice.description)
        case .name:
            guard let image = ImageChoice.newest(try await images(matching: choice)) else {
                throw EC2Error.imageNotFound(
                    setting: settings.settings["image"] == nil ? "the default image (Debian 12)" : "[provider] image",
                    value: choice.description)
            }
            return image
        }
    }

    /// Every available image `choice` matches, newest first.
    public func images(matching choice: ImageChoice) async throws -> [MachineImage] {
        let found: [MachineImage]
        switch choice {
        case .id(let id):
            found = try await client.describeImages(ids: [id])
        case .name(let pattern, let owners):
            found = try await client.describeImages(owners: owners, filters: [("name", [pattern])])
        }
        return found.filter { $0.state == "available" }.sorted { ($0.creationDate, $0.id) > ($1.creationDate, $1.id) }
    }

    /// The instance type for a node: `size = id X` checked against EC2, `size = ram N` the
    /// smallest type with that much memory that can run the image.
    public func instanceType(for spec: NodeSpec, console: Console = .silent) async throws -> String {
        try await sizes.value(for: SizeKey(role: spec.role, size: spec.size)) {
            try await resolveSize(spec.size ?? Self.defaultSize, section: spec.role.sectionName, console: console)
        }
    }

    private func resolveSize(_ size: NodeSize, section: String, console: Console) async throws -> String {
        let image = try await image()
        switch size {
        case .ram(let megabytes):
            let catalog = try await catalog(console: console)
            guard let type = InstanceTypes.smallest(atLeast: megabytes, architecture: image.architecture, among: catalog.types) else {
                let largest = InstanceTypes.offered(catalog.types, architecture: image.architecture).map(\.memoryMiB).max()
                throw EC2Error.noSizeFits(section: section, megabytes: megabytes, largestMiB: largest)
            }
            console.detail("[\(section)] size \(size) is \(type.id) (\(type.memoryMiB) MiB, \(type.vCPUs) vCPUs)")
            return type.id
        case .id(let id):
            var known: InstanceTypeInfo?
            do {
                known = try await client.describeInstanceTypes([id]).first
                if known == nil { throw EC2Error.unknownSize(section: section, id: id) }
            } catch let error as EC2Error where error.code == "InvalidInstanceType" {
                throw EC2Error.unknownSize(section: section, id: id)
            } catch let error as EC2Error where InstanceTypeCatalog.meansUnsupported(error) {
                known = InstanceTypes.table.first { $0.id == id }
                if known == nil {
                    console.warn(
                        "[\(section)] size id \(id) is not in silver's table of instance types and the endpoint cannot check it; trying it as given")
                }
            }
            if let known, !known.architectures.contains(image.architecture) {
                throw EC2Error.sizeDoesNotFitImage(
                    section: section, id: id, typeArchitectures: known.architectures, image: image.id,
                    imageArchitecture: image.architecture)
            }
            return id
        }
    }

    /// The region's instance types: DescribeInstanceTypes when the endpoint offers it,
    /// else silver's built-in table.
    public func catalog(console: Console = .silent) async throws -> InstanceTypeCatalog {
        try await catalogs.value(for: 0) {
            do {
                let types = try await client.describeInstanceTypes()
                if !types.isEmpty { return InstanceTypeCatalog(types: types, fromAPI: true) }
            } catch let error as EC2Error where InstanceTypeCatalog.meansUnsupported(error) {
                console.detail("the endpoint does not list instance types (\(error.code ?? "")); using silver's table")
            }
            return InstanceTypeCatalog(types: InstanceTypes.table, fromAPI: false)
        }
    }
}

/// The instance types a size is chosen from, and whether EC2 listed them.
public struct InstanceTypeCatalog: Sendable {
    public var types: [InstanceTypeInfo]
    public var fromAPI: Bool

    public init(types: [InstanceTypeInfo], fromAPI: Bool) {
        self.types = types
        self.fromAPI = fromAPI
    }

    /// The endpoint does not implement DescribeInstanceTypes (an older or partial EC2 clone).
    static func meansUnsupported(_ error: EC2Error) -> Bool {
        ["InvalidAction", "UnsupportedOperation", "NotImplemented", "UnknownOperation", "HTTP404", "HTTP501"]
            .contains(error.code ?? "")
    }
}

private func seconds(_ duration: Duration) -> Int {
    Int(duration.components.seconds)
}

/// Runs `body`, treating the EC2 error codes in `codes` as success (the work was already done).
private func ignoring(_ codes: Set<String>, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as EC2Error where codes.contains(error.code ?? "") {
    }
}
