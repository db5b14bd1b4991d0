import Foundation
import Testing

@testable import SilverLining

/// Secrets (inline `secret`, and whatever `secret_file` holds) never reach output.
@Suite struct SecretTests {
    let scratch: ScratchDirectory
    static let inline = "inline-Secret-4f9a"
    static let inFile = "file-Secret-77c1"
    static let fromUserConfig = "user-Secret-0b2e"

    init() throws { scratch = try ScratchDirectory() }

    func outputs(_ nodeset: Nodeset) -> [String] {
        [NodesetReport.text(nodeset), NodesetReport.json(nodeset)] + nodeset.warnings
    }

    @Test func inlineSecretIsMasked() throws {
        try scratch.write("secret.txt", SecretTests.inFile + "\n")
        let nodeset = try scratch.nodeset("""
            [general]
            base_domain = example.com
            [provider]
            provider = ec2
            username = me
            secret = \(SecretTests.inline)
            secret = \(SecretTests.inline)
            secret_file = secret.txt
            [appserver]
            """)
        #expect(nodeset.provider.secret?.reveal() == SecretTests.inline)
        #expect(try nodeset.provider.resolvedSecret()?.reveal() == SecretTests.inline)
        for output in outputs(nodeset) {
            #expect(!output.contains(SecretTests.inline))
            #expect(!output.contains(SecretTests.inFile))
        }
        #expect(NodesetReport.text(nodeset).contains("secret         ********"))
        #expect(NodesetReport.json(nodeset).contains("\"secret\" : \"********\""))
    }

    @Test func secretFileContentsAreNeitherReadNorPrinted() throws {
        let file = try scratch.write("secret.txt", SecretTests.inFile + "\n")
        let nodeset = try scratch.nodeset("[general]\nbase_domain = example.com\n[provider]\nprovider = ec2\nsecret_file = ${HOME}/secret.txt\n[appserver]\n")
        #expect(nodeset.provider.secretFile == file)
        #expect(try nodeset.provider.resolvedSecret()?.reveal() == SecretTests.inFile)
        for output in outputs(nodeset) {
            #expect(!output.contains(SecretTests.inFile))
        }
        #expect(NodesetReport.json(nodeset).contains("\"secret_file\" : \"\(file)\""))
    }

    @Test func secretsFromTheEnvironmentAndTheUserConfigAreMasked() throws {
        try scratch.write("user.conf", "[provider:acct]\nprovider = ec2\nsecret = \(SecretTests.fromUserConfig)\n")
        let fromUser = try scratch.nodeset("[general]\nbase_domain = example.com\n[provider]\nname = acct\n[appserver]\n")
        #expect(fromUser.provider.secret?.reveal() == SecretTests.fromUserConfig)
        let fromEnvironment = try scratch.nodeset("[general]\nbase_domain = example.com\n[provider]\nsecret = ${TOKEN}\n[appserver]\n",
            environment: ["TOKEN": SecretTests.inline])
        #expect(fromEnvironment.provider.secret?.reveal() == SecretTests.inline)
        for output in outputs(fromUser) + outputs(fromEnvironment) {
            #expect(!output.contains(SecretTests.fromUserConfig))
            #expect(!output.contains(SecretTests.inline))
        }
    }

    /// Interpolating a secret into another value would print it; the value stays secret,
    /// so using it anywhere but `secret` is an error that does not quote it.
    @Test func interpolatedSecretsStaySecret() throws {
        for place in ["[general]\nname = ${provider:secret}", "[vars]\ncopy = x${provider:secret}\n[general]\nname = ${vars:copy}",
            "[appserver]\nnodes = ${provider:secret}"]
        {
            let error = try #require(try scratch.nodesetError("[provider]\nsecret = \(SecretTests.inline)\n\(place)\n"))
            #expect(error.description.contains("takes its text from a secret"))
            #expect(!error.description.contains(SecretTests.inline))
        }
        let allowed = try scratch.nodeset("[vars]\ns = \(SecretTests.inline)\n[provider]\nsecret = ${vars:s}\n[general]\nbase_domain = example.com\n[appserver]\n")
        #expect(allowed.provider.secret?.reveal() == SecretTests.inline)
    }

    @Test func showReportMasksSecretsToo() async throws {
        let file = try scratch.write("set.conf", "[general]\nbase_domain = example.com\n[provider]\nsecret = \(SecretTests.inline)\n[appserver]\n")
        for json in [false, true] {
            let report = try await ShowReport.make(argument: file, json: json, environment: scratch.environment(),
                home: SilverHome(path: scratch.path + "/home"))
            #expect(!report.output.contains(SecretTests.inline))
            #expect(report.output.contains(Secret.mask))
        }
    }
}
