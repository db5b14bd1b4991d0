import Foundation

/// The Nova calls silver makes, typed.
extension NovaClient {
    public struct CreateRequest: Sendable {
        public var name: String
        public var flavorID: String
        public var imageID: String
        public var keyName: String
        public var metadata: [String: String]
        public var userData: String
    }

    public func flavors() async throws -> [NovaFlavor] {
        struct Answer: Decodable { var flavors: [NovaFlavor] }
        return try decode(Answer.self, try await call("GET", "flavors/detail", what: "listing flavors"), what: "the flavors")
            .flavors
    }

    public func flavor(_ id: String) async throws -> NovaFlavor? {
        struct Answer: Decodable { var flavor: NovaFlavor }
        guard let body = try await call("GET", "flavors/\(escaped(id))", what: "reading flavor \(id)", notFoundIsNil: true)
        else { return nil }
        return try decode(Answer.self, body, what: "flavor \(id)").flavor
    }

    public func images() async throws -> [NovaImage] {
        struct Answer: Decodable { var images: [NovaImage] }
        return try decode(Answer.self, try await call("GET", "images/detail", what: "listing images"), what: "the images").images
    }

    public func image(_ id: String) async throws -> NovaImage? {
        struct Answer: Decodable { var image: NovaImage }
        guard let body = try await call("GET", "images/\(escaped(id))", what: "reading image \(id)", notFoundIsNil: true)
        else { return nil }
        return try decode(Answer.self, body, what: "image \(id)").image
    }

    public func keyPairs() async throws -> [NovaKeyPair] {
        struct Entry: Decodable { var keypair: NovaKeyPair }
        struct Answer: Decodable { var keypairs: [Entry] }
        return try decode(Answer.self, try await call("GET", "os-keypairs", what: "listing key pairs"), what: "the key pairs")
            .keypairs.map(\.keypair)
    }

    public func importKeyPair(name: String, publicKey: String) async throws {
        let body = try json(["keypair": ["name": name, "public_key": publicKey]])
        _ = try await call("POST", "os-keypairs", json: body, what: "importing key pair \(name)")
    }

    public func deleteKeyPair(name: String) async throws {
        _ = try await call("DELETE", "os-keypairs/\(escaped(name))", what: "deleting key pair \(name)", notFoundIsNil: true)
    }

    /// Asks for a server once, never retried here: a failed answer may hide a server that was
    /// made all the same (a false negative), which the caller looks for first.
    public func createServer(_ request: CreateRequest) async throws -> String {
        struct Answer: Decodable {
            struct Server: Decodable { var id: String }
            var server: Server
        }
        let body = try json([
            "server": [
                "name": request.name, "flavorRef": request.flavorID, "imageRef": request.imageID,
                "key_name": request.keyName, "metadata": request.metadata,
                "user_data": Data(request.userData.utf8).base64EncodedString(),
            ] as [String: Any]
        ])
        let answer = try await call("POST", "servers", json: body, what: "creating server \(request.name)", retrying: false)
        return try decode(Answer.self, answer, what: "the new server").server.id
    }

    public func server(_ id: String) async throws -> NovaServer? {
        struct Answer: Decodable { var server: NovaServer }
        guard let body = try await call("GET", "servers/\(escaped(id))", what: "reading server \(id)", notFoundIsNil: true)
        else { return nil }
        return try decode(Answer.self, body, what: "server \(id)").server
    }

    /// Servers, with details; `name` narrows the list (Nova matches it as a pattern, so the
    /// caller still compares names exactly).
    public func servers(named name: String? = nil) async throws -> [NovaServer] {
        struct Answer: Decodable { var servers: [NovaServer] }
        let query = name.map { "?name=" + escaped($0) } ?? ""
        return try decode(Answer.self, try await call("GET", "servers/detail" + query, what: "listing servers"), what: "the servers")
            .servers
    }

    public func deleteServer(_ id: String) async throws {
        _ = try await call("DELETE", "servers/\(escaped(id))", what: "deleting server \(id)", notFoundIsNil: true)
    }

    public func startServer(_ id: String) async throws {
        _ = try await call("POST", "servers/\(escaped(id))/action", json: try json(["os-start": NSNull()]), what: "starting server \(id)")
    }

    /// The server's console log, or nil when the cloud does not offer it.
    public func consoleOutput(_ id: String) async throws -> String? {
        struct Answer: Decodable { var output: String? }
        do {
            let body = try await call(
                "POST", "servers/\(escaped(id))/action", json: try json(["os-getConsoleOutput": ["length": NSNull()]]),
                what: "reading the console of server \(id)", notFoundIsNil: true)
            return try body.map { try decode(Answer.self, $0, what: "the console log").output ?? "" }
        } catch let error as NovaError {
            if case .api(_, let status, _, _) = error, [400, 403, 405, 409, 501].contains(status) { return nil }
            throw error
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ body: Data?, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: body ?? Data())
        } catch {
            throw NovaError.malformed(what: "Nova's answer about \(what)", problem: "\(error)")
        }
    }

    private func json(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    private func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?&=+#"))) ?? text
    }
}
