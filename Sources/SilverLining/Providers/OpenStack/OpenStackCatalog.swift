import Foundation

/// The service catalog a token comes with: which services the account has, in which
/// regions, at which URLs. silver needs one thing from it, the compute (Nova) endpoint of
/// the nodeset's region.
public struct OpenStackCatalog: Sendable, Equatable {
    public struct Endpoint: Sendable, Equatable {
        public var region: String
        public var url: URL
    }

    public struct Service: Sendable, Equatable {
        public var type: String
        public var name: String
        /// Public endpoints only: silver talks to the cloud from outside it.
        public var endpoints: [Endpoint]
    }

    public var services: [Service]

    /// Compute services to prefer when a catalog lists several: Rackspace's next-generation
    /// servers (beside its first-generation `cloudServers` and mimic's control API) and
    /// OpenStack's usual name.
    static let preferredComputeNames = ["cloudServersOpenStack", "nova"]

    /// The compute endpoint for `region`; without one, `defaultRegion` (Rackspace's, from the
    /// token), else the only region there is.
    public func compute(region: String?, defaultRegion: String?) throws -> (region: String, url: URL) {
        let computes = services.filter { $0.type == "compute" && !$0.endpoints.isEmpty }
        let ranked = computes.sorted { rank($0) < rank($1) }
        let regions = Array(Set(computes.flatMap { $0.endpoints.map(\.region) })).sorted()
        guard !ranked.isEmpty else { throw NovaError.noCompute(services: services.map { "\($0.name) (\($0.type))" }.sorted()) }
        let wanted: String
        if let region {
            wanted = region
        } else if let defaultRegion, regions.contains(defaultRegion) {
            wanted = defaultRegion
        } else if regions.count == 1 {
            wanted = regions[0]
        } else {
            throw NovaError.noRegion(regions: regions)
        }
        for service in ranked {
            if let endpoint = service.endpoints.first(where: { $0.region == wanted }) { return (wanted, endpoint.url) }
            // Region names are case-insensitive at some clouds (dfw and DFW at Rackspace).
            if let endpoint = service.endpoints.first(where: { $0.region.lowercased() == wanted.lowercased() }) {
                return (endpoint.region, endpoint.url)
            }
        }
        throw NovaError.unknownRegion(wanted, regions: regions)
    }

    private func rank(_ service: Service) -> Int {
        Self.preferredComputeNames.firstIndex(of: service.name) ?? Self.preferredComputeNames.count
    }
}

/// A token and what came with it.
public struct OpenStackToken: Sendable {
    public var id: Secret
    public var expires: Date?
    public var catalog: OpenStackCatalog
    /// Rackspace's `RAX-AUTH:defaultRegion` for the account.
    public var defaultRegion: String?

    /// Keystone v2.0 (and Rackspace): `{"access": {"token": {...}, "serviceCatalog": [...]}}`.
    public static func parseV2(_ body: Data) throws -> OpenStackToken {
        let response = try decode(V2Response.self, from: body)
        let services = (response.access.serviceCatalog ?? []).map { service in
            OpenStackCatalog.Service(
                type: service.type, name: service.name ?? service.type,
                endpoints: (service.endpoints ?? []).compactMap { endpoint in
                    guard let text = endpoint.publicURL, let url = URL(string: text) else { return nil }
                    return OpenStackCatalog.Endpoint(region: endpoint.region ?? "", url: url)
                })
        }
        return OpenStackToken(
            id: Secret(response.access.token.id), expires: response.access.token.expires.flatMap(parseDate),
            catalog: OpenStackCatalog(services: services), defaultRegion: response.access.user?.defaultRegion)
    }

    /// Keystone v3: the token in the `X-Subject-Token` header, `{"token": {"catalog": [...]}}`.
    public static func parseV3(_ body: Data, subjectToken: String?) throws -> OpenStackToken {
        guard let subjectToken, !subjectToken.isEmpty else {
            throw NovaError.malformed(what: "the identity service's answer", problem: "no X-Subject-Token header")
        }
        let response = try decode(V3Response.self, from: body)
        guard let catalog = response.token.catalog else {
            throw NovaError.missingSetting(
                setting: "[provider] project", why: "a token scoped to a project, which is what carries the service catalog")
        }
        let services = catalog.map { service in
            OpenStackCatalog.Service(
                type: service.type, name: service.name ?? service.type,
                endpoints: service.endpoints.compactMap { endpoint in
                    guard endpoint.interface == "public", let url = URL(string: endpoint.url) else { return nil }
                    return OpenStackCatalog.Endpoint(region: endpoint.region_id ?? endpoint.region ?? "", url: url)
                })
        }
        return OpenStackToken(
            id: Secret(subjectToken), expires: response.token.expires_at.flatMap(parseDate),
            catalog: OpenStackCatalog(services: services), defaultRegion: nil)
    }

    private static func decode<T: Decodable>(_ type: T.Type, from body: Data) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch {
            throw NovaError.malformed(what: "the identity service's token", problem: "\(error)")
        }
    }

    /// ISO 8601 as identity services write it: with or without fractions, `Z` or an offset.
    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    private struct V2Response: Decodable {
        struct Access: Decodable {
            struct Token: Decodable {
                var id: String
                var expires: String?
            }
            struct User: Decodable {
                var defaultRegion: String?
                enum CodingKeys: String, CodingKey { case defaultRegion = "RAX-AUTH:defaultRegion" }
            }
            struct Service: Decodable {
                struct Endpoint: Decodable {
                    var region: String?
                    var publicURL: String?
                }
                var type: String
                var name: String?
                var endpoints: [Endpoint]?
            }
            var token: Token
            var user: User?
            var serviceCatalog: [Service]?
        }
        var access: Access
    }

    private struct V3Response: Decodable {
        struct Token: Decodable {
            struct Service: Decodable {
                struct Endpoint: Decodable {
                    var interface: String
                    var region: String?
                    var region_id: String?
                    var url: String
                }
                var type: String
                var name: String?
                var endpoints: [Endpoint]
            }
            var expires_at: String?
            var catalog: [Service]?
        }
        var token: Token
    }
}
