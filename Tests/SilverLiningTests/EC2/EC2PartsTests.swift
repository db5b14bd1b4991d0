import Foundation
import SilverLining
import Testing

/// The EC2 provider's pure parts: choosing sizes and images, rendering the firewall as
/// security group rules, reading host keys and key fingerprints, and picking providers.
@Suite struct EC2PartsTests {
    // MARK: Sizes

    static let types = [
        InstanceTypeInfo(id: "t2.nano", memoryMiB: 512, vCPUs: 1, architectures: ["x86_64", "i386"]),
        InstanceTypeInfo(id: "t3.nano", memoryMiB: 512, vCPUs: 2, architectures: ["x86_64"]),
        InstanceTypeInfo(id: "t3a.nano", memoryMiB: 512, vCPUs: 2, architectures: ["x86_64"]),
        InstanceTypeInfo(id: "t4g.nano", memoryMiB: 512, vCPUs: 2, architectures: ["arm64"]),
        InstanceTypeInfo(id: "m1.small", memoryMiB: 1740, vCPUs: 1, architectures: ["x86_64"], currentGeneration: false),
        InstanceTypeInfo(id: "t3.small", memoryMiB: 2048, vCPUs: 2, architectures: ["x86_64"]),
        InstanceTypeInfo(id: "x9.new", memoryMiB: 2048, vCPUs: 1, architectures: ["x86_64"]),
        InstanceTypeInfo(id: "m5.metal", memoryMiB: 393216, vCPUs: 96, architectures: ["x86_64"], bareMetal: true),
    ]

    @Test("ram picks the smallest memory that is enough, then the cheapest, for the image's architecture")
    func smallestType() {
        func pick(_ megabytes: Int, _ architecture: String = "x86_64") -> String? {
            InstanceTypes.smallest(atLeast: megabytes, architecture: architecture, among: Self.types)?.id
        }
        #expect(pick(256) == "t3a.nano")
        #expect(pick(512) == "t3a.nano")
        #expect(pick(256, "arm64") == "t4g.nano")
        #expect(pick(513) == "t3.small")  // not the previous-generation m1.small; t3.small is in the table, x9.new is not
        #expect(pick(4096) == nil)  // bare metal is never chosen
    }

    @Test("the built-in table is current, has no duplicates, and is cheapest-first within a memory size")
    func table() {
        let ids = InstanceTypes.table.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(InstanceTypes.table.allSatisfy { $0.memoryMiB > 0 && $0.vCPUs > 0 && $0.currentGeneration })
        #expect(InstanceTypes.smallest(atLeast: 256, architecture: "x86_64", among: InstanceTypes.table)?.id == "t3a.nano")
        #expect(InstanceTypes.smallest(atLeast: 1024, architecture: "x86_64", among: InstanceTypes.table)?.id == "t3a.micro")
        #expect(InstanceTypes.smallest(atLeast: 1024, architecture: "arm64", among: InstanceTypes.table)?.id == "t4g.micro")
        #expect(InstanceTypes.smallest(atLeast: 600_000, architecture: "x86_64", among: InstanceTypes.table) == nil)
    }

    @Test("instance types are read from DescribeInstanceTypes answers")
    func typeParsing() throws {
        let xml = """
            <DescribeInstanceTypesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><instanceTypeSet><item>
            <instanceType>t3.micro</instanceType><currentGeneration>true</currentGeneration><bareMetal>false</bareMetal>
            <processorInfo><supportedArchitectures><item>x86_64</item></supportedArchitectures></processorInfo>
            <vCpuInfo><defaultVCpus>2</defaultVCpus></vCpuInfo><memoryInfo><sizeInMiB>1024</sizeInMiB></memoryInfo>
            </item></instanceTypeSet><nextToken>abc</nextToken></DescribeInstanceTypesResponse>
            """
        let tree = try #require(XMLTree.parse(Data(xml.utf8)))
        #expect(tree.items("instanceTypeSet").compactMap(InstanceTypeInfo.init)
            == [InstanceTypeInfo(id: "t3.micro", memoryMiB: 1024, vCPUs: 2, architectures: ["x86_64"])])
        #expect(tree.string("nextToken") == "abc")
    }

    // MARK: Images

    @Test("image settings", arguments: [
        ([:], ImageChoice.debian12),
        (["image": "id ami-0123"], .id("ami-0123")),
        (["image": "ami-0123"], .id("ami-0123")),
        (["image": "name debian-12-*"], .name(pattern: "debian-12-*", owners: ImageChoice.defaultOwners)),
        (["image": "name my image *", "image_owner": "self"], .name(pattern: "my image *", owners: ["self"])),
        (["image": "name x-*", "image_owner": "any"], .name(pattern: "x-*", owners: [])),
        (["image_owner": "123456789012"], .name(pattern: "debian-12-amd64-*", owners: ["123456789012"])),
    ] as [([String: String], ImageChoice)])
    func imageChoices(_ settings: [String: String], _ expected: ImageChoice) throws {
        #expect(try ImageChoice(settings: settings) == expected)
    }

    @Test("an image setting that is neither an id nor a name names the setting")
    func badImage() throws {
        for value in ["debian", "id", "name", "size ram"] {
            let error = try #require(throws: EC2Error.self) { try ImageChoice(settings: ["image": value]) }
            #expect(error.description.contains("[provider] image"))
        }
        #expect(throws: EC2Error.self) { try ImageChoice(settings: ["image_owner": " "]) }
    }

    @Test("the newest available image wins")
    func newest() {
        func image(_ id: String, _ date: String, state: String = "available") -> MachineImage {
            MachineImage(id: id, name: id, ownerID: "1", architecture: "x86_64", creationDate: date, state: state)
        }
        let images = [
            image("ami-old", "2024-01-02T16:30:00.000Z"), image("ami-new", "2024-06-11T18:00:00.000Z"),
            image("ami-pending", "2025-01-01T00:00:00.000Z", state: "pending"),
        ]
        #expect(ImageChoice.newest(images)?.id == "ami-new")
        #expect(ImageChoice.newest([]) == nil)
    }

    // MARK: Firewall

    @Test("security group rules render Firewall.rules exactly: anywhere as IPv4 and IPv6, roles as their groups")
    func firewall() {
        let nodes = [
            NodeSpec(name: "app1", role: .appserver, index: 1), NodeSpec(name: "db1", role: .service("postgresql"), index: 1),
            NodeSpec(name: "lb", role: .balancer, index: 1),
        ]
        let nodeset = Nodeset(name: "shop", file: "shop.conf", nodes: nodes)
        let ids: [Role: String] = [.appserver: "sg-app", .service("postgresql"): "sg-db", .balancer: "sg-lb"]
        func rules(_ role: Role) -> [String] {
            EC2Firewall.ingress(for: role, in: nodeset, groupIDs: ids).map(\.rule.description)
        }
        #expect(rules(.appserver) == ["tcp/22 from 0.0.0.0/0", "tcp/22 from ::/0", "tcp/80 from sg-lb"])
        #expect(rules(.service("postgresql")) == ["tcp/22 from 0.0.0.0/0", "tcp/22 from ::/0", "tcp/5432 from sg-app"])
        #expect(rules(.balancer) == [
            "tcp/22 from 0.0.0.0/0", "tcp/22 from ::/0", "tcp/80 from 0.0.0.0/0", "tcp/80 from ::/0",
            "tcp/443 from 0.0.0.0/0", "tcp/443 from ::/0",
        ])
        // Every rule of the firewall is there, port for port.
        for role in [Role.appserver, .service("postgresql"), .balancer] {
            #expect(Set(EC2Firewall.ingress(for: role, in: nodeset, groupIDs: ids).map(\.rule.fromPort))
                == Set(Firewall.rules(for: role, in: nodeset).map(\.port)))
        }
        #expect(EC2Firewall.groupName(nodeset: "shop", role: .service("postgresql")) == "silver-shop-service.postgresql")
    }

    @Test("rule descriptions keep only the characters EC2 accepts")
    func descriptions() {
        #expect(EC2Firewall.sanitized("nginx, the app server's router") == "nginx, the app servers router")
        #expect(EC2Firewall.sanitized(String(repeating: "a", count: 300)).count == 255)
    }

    @Test("ingress rules are read from DescribeSecurityGroups, one per source")
    func ingressParsing() throws {
        let xml = """
            <DescribeSecurityGroupsResponse><securityGroupInfo><item><groupId>sg-1</groupId><groupName>g</groupName>
            <ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort>
            <groups><item><groupId>sg-2</groupId><description>ssh</description></item></groups>
            <ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges><ipv6Ranges><item><cidrIpv6>::/0</cidrIpv6></item></ipv6Ranges>
            </item></ipPermissions></item></securityGroupInfo></DescribeSecurityGroupsResponse>
            """
        let tree = try #require(XMLTree.parse(Data(xml.utf8)))
        let group = try #require(tree.items("securityGroupInfo").compactMap(EC2SecurityGroup.init).first)
        #expect(Set(group.ingress) == [
            IngressRule(port: 22, source: .ipv4("0.0.0.0/0")), IngressRule(port: 22, source: .ipv6("::/0")),
            IngressRule(port: 22, source: .group("sg-2")),
        ])
        #expect(group.descriptions[IngressRule(port: 22, source: .group("sg-2"))] == "ssh")
    }

    // MARK: Host keys and key pairs

    @Test("host keys come from cloud-init's block in the console output; malformed lines are skipped")
    func hostKeys() throws {
        let console = String(decoding: try EC2TestSupport.fixture("console-output.txt"), as: UTF8.self)
        let keys = ConsoleHostKeys.parse(console)
        #expect(keys.count == 2)
        #expect(keys[0].hasPrefix("ecdsa-sha2-nistp256 AAAAE2VjZHNh"))
        #expect(keys[1] == "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4")
        #expect(ConsoleHostKeys.parse("Linux version 6.1\nno keys here\n").isEmpty)
        // An unfinished block (output cut mid-way) gives nothing rather than half.
        #expect(ConsoleHostKeys.parse(ConsoleHostKeys.begin + "\n" + keys[1] + "\n").isEmpty)
        // Carriage returns and prefixes are tolerated.
        let prefixed = "ec2: \(ConsoleHostKeys.begin)\r\nec2: \(keys[1]) root@x\r\nec2: \(ConsoleHostKeys.end)\r\n"
        #expect(ConsoleHostKeys.parse(prefixed) == [keys[1]])
    }

    @Test("a key pair matches by its public key, or by any fingerprint form EC2 and moto use")
    func fingerprints() throws {
        let key = try #require(SSHPublicKey("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4 me"))
        let prints = key.fingerprints
        // moto: SHA-256 of the DER SubjectPublicKeyInfo, colon-separated.
        #expect(prints.contains("a0:50:83:7d:85:07:05:82:cc:f7:39:4b:09:88:84:7c:c3:12:cb:88:25:9b:89:48:99:f6:f2:39:cf:17:91:a5"))
        // AWS and ssh-keygen: base64 SHA-256 of the key.
        #expect(prints.contains("lbmsoA0yIEcEiVDRnMWuzm+nV+3ZEEpVIURqFoeSspg="))
        #expect(prints.contains("SHA256:lbmsoA0yIEcEiVDRnMWuzm+nV+3ZEEpVIURqFoeSspg"))

        let byMaterial = try #require(
            EC2KeyPair(XMLTree(name: "item", children: [
                XMLTree(name: "keyName", text: "silver-x"), XMLTree(name: "keyFingerprint", text: "whatever"),
                XMLTree(name: "publicKey", text: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4 other-comment"),
            ])))
        #expect(key.matches(byMaterial))
        let other = try #require(SSHPublicKey(EC2TestSupport.otherKey))
        #expect(!other.matches(byMaterial))
        #expect(SSHPublicKey("not a key") == nil)
    }

    @Test("EC2 states map to silver's node states")
    func states() {
        #expect(EC2Provider.nodeState("pending") == .running)
        #expect(EC2Provider.nodeState("running") == .running)
        #expect(EC2Provider.nodeState("stopping") == .stopped)
        #expect(EC2Provider.nodeState("stopped") == .stopped)
        #expect(EC2Provider.nodeState("shutting-down") == .missing)
        #expect(EC2Provider.nodeState("terminated") == .missing)
    }

    // MARK: Providers and listings

    @Test("the registry makes EC2 and Nova providers and refuses unknown kinds, listing the supported ones")
    func registry() throws {
        let ec2 = ProviderSettings(
            kind: "ec2", username: "AKIA", secret: Secret("s"), settings: ["region": "us-east-1"])
        #expect(try ProviderRegistry.provider(for: ec2, environment: [:]) is EC2Provider)
        let rackspace = ProviderSettings(kind: "rackspace", username: "foobar", secret: Secret("key"))
        #expect((try ProviderRegistry.provider(for: rackspace, environment: [:]) as? NovaProvider)?.kind == "rackspace")
        let openstack = ProviderSettings(
            kind: "openstack", username: "ann", secret: Secret("pw"), settings: ["auth_url": "https://k.example.com/v3"])
        #expect((try ProviderRegistry.provider(for: openstack, environment: [:]) as? NovaProvider)?.kind == "openstack")

        let error = try #require(throws: ProviderError.self) {
            try ProviderRegistry.provider(for: ProviderSettings(kind: "linode"), environment: [:])
        }
        #expect(error.description.contains("linode"))
        #expect(error.description.contains("local, static, ec2, rackspace, openstack"))
        #expect(error.exitStatus == ExitStatus.badInput)

        #expect(try ProviderRegistry.provider(for: ProviderSettings(kind: "local"), environment: [:]) is LocalProvider)
        #expect(try ProviderRegistry.provider(for: ProviderSettings(kind: "static"), environment: [:]) is StaticProvider)
    }

    @Test("listings are aligned tables")
    func listings() {
        let catalog = InstanceTypeCatalog(types: Array(Self.types.prefix(2)), fromAPI: true)
        let sizes = EC2Listing.render(sizes: catalog, region: "us-east-1")
        #expect(sizes.hasPrefix("TYPE     MEMORY   VCPUS  ARCH\nt2.nano  512 MiB  1      x86_64,i386\n"))
        #expect(sizes.contains("us-east-1"))
        let images = EC2Listing.render(images: [
            MachineImage(id: "ami-1", name: "debian-12", ownerID: "136693071363", architecture: "x86_64",
                creationDate: "2024-06-11T18:00:00.000Z", state: "available")
        ])
        #expect(images.hasPrefix("ID     CREATED     ARCH    OWNER         NAME\nami-1  2024-06-11  x86_64  136693071363  debian-12\n"))
        #expect(EC2Listing.render(images: []) == "No image matches.\n")
    }
}
