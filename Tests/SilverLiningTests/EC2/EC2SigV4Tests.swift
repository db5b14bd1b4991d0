import Foundation
import SilverLining
import Testing

/// Signature Version 4 against the worked examples AWS publishes: the IAM ListUsers request of
/// "Examples of the complete Signature Version 4 signing process" and cases of AWS's SigV4
/// test suite (get-vanilla, ...). Each checks the canonical request, the string to sign and
/// the signature separately, so a failure points at the step that is wrong.
@Suite struct EC2SigV4Tests {
    static let credentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), source: "test")
    /// 2015-08-30T12:36:00Z, the time of every example.
    static let date = Date(timeIntervalSince1970: 1_440_938_160)
    static let emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    struct Example: Sendable, CustomTestStringConvertible {
        var name: String
        var service: String
        var request: SigV4Signer.Request
        var canonicalRequest: String
        var stringToSign: String
        var signature: String

        var testDescription: String { name }
    }

    static let examples: [Example] = [
        Example(
            name: "IAM ListUsers (GET)", service: "iam",
            request: SigV4Signer.Request(
                method: "GET", path: "/", query: [("Action", "ListUsers"), ("Version", "2010-05-08")],
                headers: [
                    ("Host", "iam.amazonaws.com"),
                    ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                    ("X-Amz-Date", "20150830T123600Z"),
                ]),
            canonicalRequest: """
                GET
                /
                Action=ListUsers&Version=2010-05-08
                content-type:application/x-www-form-urlencoded; charset=utf-8
                host:iam.amazonaws.com
                x-amz-date:20150830T123600Z

                content-type;host;x-amz-date
                \(emptyHash)
                """,
            stringToSign: """
                AWS4-HMAC-SHA256
                20150830T123600Z
                20150830/us-east-1/iam/aws4_request
                f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59
                """,
            signature: "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"),
        Example(
            name: "get-vanilla", service: "service",
            request: SigV4Signer.Request(
                method: "GET", headers: [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")]),
            canonicalRequest: """
                GET
                /

                host:example.amazonaws.com
                x-amz-date:20150830T123600Z

                host;x-amz-date
                \(emptyHash)
                """,
            stringToSign: """
                AWS4-HMAC-SHA256
                20150830T123600Z
                20150830/us-east-1/service/aws4_request
                bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63
                """,
            signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Example(
            name: "get-vanilla-query-order-key-case", service: "service",
            request: SigV4Signer.Request(
                method: "GET", query: [("Param2", "value2"), ("Param1", "value1")],
                headers: [("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")]),
            canonicalRequest: """
                GET
                /
                Param1=value1&Param2=value2
                host:example.amazonaws.com
                x-amz-date:20150830T123600Z

                host;x-amz-date
                \(emptyHash)
                """,
            stringToSign: """
                AWS4-HMAC-SHA256
                20150830T123600Z
                20150830/us-east-1/service/aws4_request
                816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0
                """,
            signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        Example(
            name: "post-x-www-form-urlencoded", service: "service",
            request: SigV4Signer.Request(
                method: "POST",
                headers: [
                    ("Content-Type", "application/x-www-form-urlencoded"), ("Host", "example.amazonaws.com"),
                    ("X-Amz-Date", "20150830T123600Z"),
                ],
                body: Data("Param1=value1".utf8)),
            canonicalRequest: """
                POST
                /

                content-type:application/x-www-form-urlencoded
                host:example.amazonaws.com
                x-amz-date:20150830T123600Z

                content-type;host;x-amz-date
                9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e
                """,
            stringToSign: """
                AWS4-HMAC-SHA256
                20150830T123600Z
                20150830/us-east-1/service/aws4_request
                42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281
                """,
            signature: "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
    ]

    @Test("canonical request", arguments: examples)
    func canonicalRequest(_ example: Example) {
        #expect(SigV4Signer.canonicalRequest(example.request) == example.canonicalRequest)
    }

    @Test("string to sign", arguments: examples)
    func stringToSign(_ example: Example) {
        let signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: example.service)
        #expect(signer.stringToSign(canonicalRequest: example.canonicalRequest, date: Self.date) == example.stringToSign)
    }

    @Test("signature", arguments: examples)
    func signature(_ example: Example) {
        let signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: example.service)
        #expect(signer.signature(stringToSign: example.stringToSign, date: Self.date) == example.signature)
    }

    @Test("Authorization header")
    func authorization() {
        let example = Self.examples[0]
        let signer = SigV4Signer(credentials: Self.credentials, region: "us-east-1", service: "iam")
        #expect(
            signer.authorization(for: example.request, date: Self.date)
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, Signature=\(example.signature)")
    }

    @Test("dates are formatted in UTC")
    func dates() {
        #expect(SigV4Signer.amzDate(Self.date) == "20150830T123600Z")
        #expect(SigV4Signer.dateStamp(Self.date) == "20150830")
    }

    @Test("UriEncode keeps only unreserved characters and encodes a space as %20")
    func uriEncode() {
        #expect(SigV4Signer.uriEncode("AZaz09-_.~") == "AZaz09-_.~")
        #expect(SigV4Signer.uriEncode("a b+c/d=e*f") == "a%20b%2Bc%2Fd%3De%2Af")
        #expect(SigV4Signer.uriEncode("ሴ") == "%E1%88%B4")
        #expect(SigV4Signer.canonicalURI("/ሴ") == "/%E1%88%B4")
    }

    @Test("header values are trimmed and inner spaces collapsed; repeated headers are joined")
    func headerCanonicalisation() {
        let headers: [(name: String, value: String)] = [("My-Header1", "  a   b   c  "), ("Host", "h"), ("my-header1", "d")]
        #expect(SigV4Signer.canonicalHeaders(headers) == "host:h\nmy-header1:a b c,d\n")
        #expect(SigV4Signer.signedHeaders(headers) == "host;my-header1")
    }

    @Test("an EC2 call is a signed form POST; the Host covers a non-default port; the session token is signed")
    func ec2Request() throws {
        let credentials = AWSCredentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            sessionToken: Secret("TOKEN/with+chars"), source: "test")
        let client = EC2Client(
            region: "us-east-1", credentials: credentials, endpoint: URL(string: "http://127.0.0.1:5000"))
        var parameters = EC2Parameters()
        parameters.filter("tag:Name", ["app 1", "app2"])
        let request = client.signedRequest(action: "DescribeInstances", parameters: parameters, date: Self.date)
        #expect(request.method == "POST")
        #expect(
            String(decoding: request.body, as: UTF8.self)
                == "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag%3AName&Filter.1.Value.1=app+1&Filter.1.Value.2=app2")
        #expect(request.headers["Host"] == "127.0.0.1:5000")
        #expect(request.headers["X-Amz-Security-Token"] == "TOKEN/with+chars")
        let authorization = try #require(request.headers["Authorization"])
        #expect(authorization.contains("Credential=AKIDEXAMPLE/20150830/us-east-1/ec2/aws4_request"))
        #expect(authorization.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token"))

        let https = EC2Client(region: "eu-west-3", credentials: credentials)
        #expect(https.endpoint.absoluteString == "https://ec2.eu-west-3.amazonaws.com/")
        #expect(https.signedRequest(action: "DescribeRegions", parameters: EC2Parameters(), date: Self.date).headers["Host"]
            == "ec2.eu-west-3.amazonaws.com")
    }
}
