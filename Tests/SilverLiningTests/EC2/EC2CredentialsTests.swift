import Foundation
import SilverLining
import Testing

@Suite struct EC2CredentialsTests {
    static func credentialsFile(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "silver-aws-\(UUID().uuidString)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let sharedFile = """
        # comment
        [default]
        aws_access_key_id = AKIADEFAULT
        aws_secret_access_key = default-secret

        [work]
        aws_access_key_id=AKIAWORK
        aws_secret_access_key=work-secret
        aws_session_token = work-token
        """

    @Test("[provider] username and secret win over everything else")
    func fromSettings() throws {
        let settings = ProviderSettings(kind: "ec2", username: "AKIASETTINGS", secret: Secret("s3cret"), settings: ["profile": "work"])
        let credentials = try AWSCredentialResolver(settings: settings, environment: ["AWS_ACCESS_KEY_ID": "AKIAENV"]).credentials()
        #expect(credentials.accessKeyID == "AKIASETTINGS")
        #expect(credentials.secretAccessKey.reveal() == "s3cret")
        #expect(credentials.source == "[provider] username and secret")
    }

    @Test("secret_file is read, its trailing newline dropped")
    func fromSecretFile() throws {
        let file = try Self.credentialsFile("file-secret\n")
        let settings = ProviderSettings(kind: "ec2", username: "AKIAFILE", secretFile: file)
        let credentials = try AWSCredentialResolver(settings: settings, environment: [:]).credentials()
        #expect(credentials.secretAccessKey.reveal() == "file-secret")
        #expect(credentials.source == "[provider] username and secret_file")
    }

    @Test("username without a secret names the setting")
    func usernameAlone() throws {
        let settings = ProviderSettings(kind: "ec2", username: "AKIAALONE")
        let error = try #require(throws: EC2Error.self) {
            try AWSCredentialResolver(settings: settings, environment: [:]).credentials()
        }
        #expect(error.description.contains("[provider] username"))
    }

    @Test("an unreadable secret_file names the setting")
    func missingSecretFile() throws {
        let settings = ProviderSettings(kind: "ec2", username: "AKIA", secretFile: "/nonexistent/secret")
        let error = try #require(throws: EC2Error.self) {
            try AWSCredentialResolver(settings: settings, environment: [:]).credentials()
        }
        #expect(error.description.contains("[provider] secret_file"))
    }

    @Test("the standard environment variables, session token included")
    func fromEnvironment() throws {
        let credentials = try AWSCredentialResolver(
            settings: ProviderSettings(kind: "ec2"),
            environment: ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "tok"]
        ).credentials()
        #expect(credentials.accessKeyID == "AKIAENV")
        #expect(credentials.sessionToken?.reveal() == "tok")
        #expect(!credentials.description.contains("env-secret"))
    }

    @Test("profiles: [provider] profile over the environment, then AWS_PROFILE, then default")
    func fromProfiles() throws {
        let file = try Self.credentialsFile(Self.sharedFile)
        let environment = [
            "AWS_SHARED_CREDENTIALS_FILE": file, "AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "env-secret",
        ]
        let named = try AWSCredentialResolver(
            settings: ProviderSettings(kind: "ec2", settings: ["profile": "work"]), environment: environment
        ).credentials()
        #expect(named.accessKeyID == "AKIAWORK")
        #expect(named.sessionToken?.reveal() == "work-token")
        #expect(named.source == "profile \"work\" in \(file)")

        let viaVariable = try AWSCredentialResolver(
            settings: ProviderSettings(kind: "ec2"), environment: ["AWS_SHARED_CREDENTIALS_FILE": file, "AWS_PROFILE": "work"]
        ).credentials()
        #expect(viaVariable.accessKeyID == "AKIAWORK")

        let byDefault = try AWSCredentialResolver(
            settings: ProviderSettings(kind: "ec2"), environment: ["AWS_SHARED_CREDENTIALS_FILE": file]
        ).credentials()
        #expect(byDefault.accessKeyID == "AKIADEFAULT")
    }

    @Test("~/.aws/credentials under HOME is the default file")
    func homeFile() throws {
        let home = NSTemporaryDirectory() + "silver-home-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home + "/.aws", withIntermediateDirectories: true)
        try Self.sharedFile.write(toFile: home + "/.aws/credentials", atomically: true, encoding: .utf8)
        try "[profile work]\nregion = eu-west-3\n".write(toFile: home + "/.aws/config", atomically: true, encoding: .utf8)
        let resolver = AWSCredentialResolver(
            settings: ProviderSettings(kind: "ec2"), environment: ["HOME": home, "AWS_PROFILE": "work"])
        #expect(try resolver.credentials().accessKeyID == "AKIAWORK")
        #expect(try resolver.region() == "eu-west-3")
    }

    @Test("no credentials anywhere says where silver looked")
    func none() throws {
        let error = try #require(throws: EC2Error.self) {
            try AWSCredentialResolver(
                settings: ProviderSettings(kind: "ec2"), environment: ["AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"]
            ).credentials()
        }
        #expect(error.description.contains("/nonexistent"))
        #expect(error.description.contains("[provider]"))
    }

    @Test("region: [provider] region, then AWS_REGION, then AWS_DEFAULT_REGION")
    func regions() throws {
        func region(_ settings: [String: String], _ environment: [String: String]) throws -> String {
            try AWSCredentialResolver(settings: ProviderSettings(kind: "ec2", settings: settings), environment: environment).region()
        }
        #expect(try region(["region": "eu-west-1"], ["AWS_REGION": "us-west-2"]) == "eu-west-1")
        #expect(try region([:], ["AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "ap-south-1"]) == "us-west-2")
        #expect(try region([:], ["AWS_DEFAULT_REGION": "ap-south-1", "AWS_CONFIG_FILE": "/nonexistent"]) == "ap-south-1")
        #expect(throws: EC2Error.missingRegion) { try region([:], ["AWS_CONFIG_FILE": "/nonexistent"]) }
        #expect(throws: EC2Error.unknownRegion("Virginia")) { try region(["region": "Virginia"], [:]) }
        #expect(EC2Error.unknownRegion("Virginia").description.contains("[provider] region"))
    }

    @Test("well-formed region names", arguments: [
        ("us-east-1", true), ("us-gov-west-1", true), ("ap-southeast-3", true), ("cn-north-1", true),
        ("us-east", false), ("US-EAST-1", false), ("useast1", false), ("us--1", false), ("", false),
    ])
    func regionNames(_ name: String, _ wellFormed: Bool) {
        #expect(AWSRegion.isWellFormed(name) == wellFormed)
    }

    @Test("China regions use their own domain")
    func chinaEndpoint() {
        #expect(AWSRegion.endpoint(for: "cn-north-1").absoluteString == "https://ec2.cn-north-1.amazonaws.com.cn/")
    }

    @Test("no description of a provider, client or signer shows the secret key or session token")
    func noSecretsInDescriptions() throws {
        let settings = ProviderSettings(
            kind: "ec2", username: "AKIAVISIBLE", secret: Secret("very-secret-key"), settings: ["region": "us-east-1"])
        let provider = try EC2Provider(settings: settings, environment: ["AWS_SESSION_TOKEN": "session-token"])
        let signer = SigV4Signer(credentials: provider.client.credentials, region: "us-east-1", service: "ec2")
        for text in [
            String(describing: provider), String(reflecting: provider), String(describing: provider.client),
            String(reflecting: signer), String(describing: settings),
            String(decoding: try JSONEncoder().encode(settings), as: UTF8.self),
        ] {
            #expect(!text.contains("very-secret-key"))
            #expect(!text.contains("session-token"))
        }
        #expect(String(describing: provider.client).contains("AKIAVISIBLE"))
    }

    @Test("a bad endpoint names the setting")
    func badEndpoint() throws {
        let settings = ProviderSettings(
            kind: "ec2", username: "AKIA", secret: Secret("s"), settings: ["region": "us-east-1", "endpoint": "ftp://x"])
        let error = try #require(throws: EC2Error.self) { try EC2Provider(settings: settings, environment: [:]) }
        #expect(error.description.contains("[provider] endpoint"))
    }
}
