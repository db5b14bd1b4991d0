import Foundation

/// The EC2 actions the provider uses, typed. Each builds the Query API parameters as AWS's
/// EC2 API reference names them and reads the fields it needs from the answer.
extension EC2Client {
    // MARK: Instances

    /// Instances by id and/or filter, across every page of the answer.
    public func describeInstances(ids: [String] = [], filters: [(String, [String])] = []) async throws -> [EC2Instance] {
        var instances: [EC2Instance] = []
        var token: String?
        repeat {
            var parameters = EC2Parameters()
            parameters.list("InstanceId", ids)
            for (name, values) in filters { parameters.filter(name, values) }
            if let token { parameters.set("NextToken", token) }
            let answer = try await call("DescribeInstances", parameters)
            for reservation in answer.items("reservationSet") {
                instances += reservation.items("instancesSet").compactMap(EC2Instance.init)
            }
            token = answer.string("nextToken")
        } while token != nil
        return instances
    }

    /// One instance by id; nil when EC2 no longer knows it.
    public func instance(_ id: String) async throws -> EC2Instance? {
        do {
            return try await describeInstances(ids: [id]).first
        } catch let error as EC2Error where ["InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed"].contains(error.code) {
            return nil
        }
    }

    public struct LaunchRequest: Sendable {
        public var imageID: String
        public var instanceType: String
        public var keyName: String
        public var securityGroupIDs: [String]
        public var tags: [(key: String, value: String)]
        /// Plain text; sent base64-encoded as EC2 wants it.
        public var userData: String
        /// Makes retries of the same launch start one instance, not several.
        public var clientToken: String

        public init(
            imageID: String, instanceType: String, keyName: String, securityGroupIDs: [String],
            tags: [(key: String, value: String)], userData: String, clientToken: String
        ) {
            self.imageID = imageID
            self.instanceType = instanceType
            self.keyName = keyName
            self.securityGroupIDs = securityGroupIDs
            self.tags = tags
            self.userData = userData
            self.clientToken = clientToken
        }
    }

    public func runInstance(_ launch: LaunchRequest) async throws -> EC2Instance {
        var parameters = EC2Parameters()
        parameters.set("ImageId", launch.imageID)
        parameters.set("InstanceType", launch.instanceType)
        parameters.set("MinCount", "1")
        parameters.set("MaxCount", "1")
        parameters.set("KeyName", launch.keyName)
        parameters.list("SecurityGroupId", launch.securityGroupIDs)
        parameters.set("UserData", Data(launch.userData.utf8).base64EncodedString())
        parameters.set("ClientToken", launch.clientToken)
        Self.tagSpecification(&parameters, index: 1, resourceType: "instance", tags: launch.tags)
        let answer = try await call("RunInstances", parameters)
        guard let instance = answer.items("instancesSet").compactMap(EC2Instance.init).first else {
            throw EC2Error.api(action: "RunInstances", code: "MalformedResponse", message: "no instance in the answer")
        }
        return instance
    }

    public func startInstances(_ ids: [String]) async throws {
        var parameters = EC2Parameters()
        parameters.list("InstanceId", ids)
        try await call("StartInstances", parameters)
    }

    public func terminateInstances(_ ids: [String]) async throws {
        var parameters = EC2Parameters()
        parameters.list("InstanceId", ids)
        try await call("TerminateInstances", parameters)
    }

    /// The instance's serial console output, decoded; nil when there is none yet.
    public func consoleOutput(_ id: String) async throws -> String? {
        var parameters = EC2Parameters()
        parameters.set("InstanceId", id)
        let answer = try await call("GetConsoleOutput", parameters)
        guard let encoded = answer.string("output"),
            let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters)
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: Key pairs

    /// The key pair called `name`, with its public key when EC2 offers it; nil if none.
    public func keyPair(named name: String) async throws -> EC2KeyPair? {
        var parameters = EC2Parameters()
        parameters.list("KeyName", [name])
        parameters.set("IncludePublicKey", "true")
        do {
            return try await call("DescribeKeyPairs", parameters).items("keySet").compactMap(EC2KeyPair.init).first
        } catch let error as EC2Error where error.code == "InvalidKeyPair.NotFound" {
            return nil
        }
    }

    @discardableResult
    public func importKeyPair(name: String, publicKey: String, tags: [(key: String, value: String)]) async throws -> EC2KeyPair? {
        var parameters = EC2Parameters()
        parameters.set("KeyName", name)
        parameters.set("PublicKeyMaterial", Data(publicKey.utf8).base64EncodedString())
        Self.tagSpecification(&parameters, index: 1, resourceType: "key-pair", tags: tags)
        return EC2KeyPair(try await call("ImportKeyPair", parameters))
    }

    public func deleteKeyPair(name: String) async throws {
        var parameters = EC2Parameters()
        parameters.set("KeyName", name)
        try await call("DeleteKeyPair", parameters)
    }

    // MARK: Security groups

    public func describeSecurityGroups(ids: [String] = [], filters: [(String, [String])] = []) async throws -> [EC2SecurityGroup] {
        var groups: [EC2SecurityGroup] = []
        var token: String?
        repeat {
            var parameters = EC2Parameters()
            parameters.list("GroupId", ids)
            for (name, values) in filters { parameters.filter(name, values) }
            if let token { parameters.set("NextToken", token) }
            let answer = try await call("DescribeSecurityGroups", parameters)
            groups += answer.items("securityGroupInfo").compactMap(EC2SecurityGroup.init)
            token = answer.string("nextToken")
        } while token != nil
        return groups
    }

    /// Creates a group in the default VPC and returns its id.
    public func createSecurityGroup(name: String, description: String, tags: [(key: String, value: String)]) async throws -> String {
        var parameters = EC2Parameters()
        parameters.set("GroupName", name)
        parameters.set("GroupDescription", description)
        Self.tagSpecification(&parameters, index: 1, resourceType: "security-group", tags: tags)
        let answer = try await call("CreateSecurityGroup", parameters)
        guard let id = answer.string("groupId") else {
            throw EC2Error.api(action: "CreateSecurityGroup", code: "MalformedResponse", message: "no group id in the answer")
        }
        return id
    }

    public func authorizeIngress(groupID: String, rules: [(rule: IngressRule, description: String)]) async throws {
        guard !rules.isEmpty else { return }
        var parameters = EC2Parameters()
        parameters.set("GroupId", groupID)
        for (index, entry) in rules.enumerated() {
            Self.permission(&parameters, index: index + 1, rule: entry.rule, description: entry.description)
        }
        try await call("AuthorizeSecurityGroupIngress", parameters)
    }

    /// Revokes rules, each given with the description it has: AWS matches rules without
    /// it, moto only with it.
    public func revokeIngress(groupID: String, rules: [(rule: IngressRule, description: String)]) async throws {
        guard !rules.isEmpty else { return }
        var parameters = EC2Parameters()
        parameters.set("GroupId", groupID)
        for (index, entry) in rules.enumerated() {
            Self.permission(&parameters, index: index + 1, rule: entry.rule, description: entry.description)
        }
        try await call("RevokeSecurityGroupIngress", parameters)
    }

    public func deleteSecurityGroup(id: String) async throws {
        var parameters = EC2Parameters()
        parameters.set("GroupId", id)
        try await call("DeleteSecurityGroup", parameters)
    }

    // MARK: Images and instance types

    public func describeImages(ids: [String] = [], owners: [String] = [], filters: [(String, [String])] = []) async throws -> [MachineImage] {
        var parameters = EC2Parameters()
        parameters.list("ImageId", ids)
        parameters.list("Owner", owners)
        for (name, values) in filters { parameters.filter(name, values) }
        return try await call("DescribeImages", parameters).items("imagesSet").compactMap(MachineImage.init)
    }

    /// Instance types by id, or all of them, across every page.
    public func describeInstanceTypes(_ ids: [String] = []) async throws -> [InstanceTypeInfo] {
        var types: [InstanceTypeInfo] = []
        var token: String?
        repeat {
            var parameters = EC2Parameters()
            parameters.list("InstanceType", ids)
            if ids.isEmpty { parameters.set("MaxResults", "100") }
            if let token { parameters.set("NextToken", token) }
            let answer = try await call("DescribeInstanceTypes", parameters)
            types += answer.items("instanceTypeSet").compactMap(InstanceTypeInfo.init)
            token = answer.string("nextToken")
        } while token != nil
        return types
    }

    // MARK: Parameter shapes

    static func tagSpecification(
        _ parameters: inout EC2Parameters, index: Int, resourceType: String, tags: [(key: String, value: String)]
    ) {
        guard !tags.isEmpty else { return }
        let prefix = "TagSpecification.\(index)"
        parameters.set("\(prefix).ResourceType", resourceType)
        for (number, tag) in tags.enumerated() {
            parameters.set("\(prefix).Tag.\(number + 1).Key", tag.key)
            parameters.set("\(prefix).Tag.\(number + 1).Value", tag.value)
        }
    }

    static func permission(_ parameters: inout EC2Parameters, index: Int, rule: IngressRule, description: String?) {
        let prefix = "IpPermissions.\(index)"
        parameters.set("\(prefix).IpProtocol", rule.ipProtocol)
        parameters.set("\(prefix).FromPort", String(rule.fromPort))
        parameters.set("\(prefix).ToPort", String(rule.toPort))
        let (range, field): (String, String)
        let value: String
        switch rule.source {
        case .ipv4(let cidr): (range, field, value) = ("IpRanges", "CidrIp", cidr)
        case .ipv6(let cidr): (range, field, value) = ("Ipv6Ranges", "CidrIpv6", cidr)
        case .group(let id): (range, field, value) = ("Groups", "GroupId", id)
        }
        parameters.set("\(prefix).\(range).1.\(field)", value)
        if let description, !description.isEmpty {
            parameters.set("\(prefix).\(range).1.Description", description)
        }
    }
}
