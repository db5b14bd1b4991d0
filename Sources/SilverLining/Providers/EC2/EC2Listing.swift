import Foundation

/// What `silver list-sizes` and `silver list-images` show, for a nodeset on EC2.
extension EC2Provider {
    /// The instance types `size = ram N` chooses from, smallest then cheapest first; only
    /// those that run `architecture` when it is given.
    public func listSizes(architecture: String? = nil) async throws -> InstanceTypeCatalog {
        let catalog = try await catalog()
        return InstanceTypeCatalog(types: InstanceTypes.offered(catalog.types, architecture: architecture), fromAPI: catalog.fromAPI)
    }

    /// The images `[provider] image` (or `namePattern`, with `image_owner`) matches, newest
    /// first: the first is the one nodes get.
    public func listImages(namePattern: String? = nil) async throws -> [MachineImage] {
        let choice = try namePattern.map { try ImageChoice.named($0, settings: settings.settings) } ?? imageChoice()
        return try await images(matching: choice)
    }
}

public enum EC2Listing {
    public static func render(sizes catalog: InstanceTypeCatalog, region: String) -> String {
        let rows = catalog.types.map { [$0.id, "\($0.memoryMiB) MiB", "\($0.vCPUs)", $0.architectures.joined(separator: ",")] }
        let source = catalog.fromAPI ? "as EC2 lists them in \(region)" : "from silver's built-in table (the endpoint does not list them)"
        return table(header: ["TYPE", "MEMORY", "VCPUS", "ARCH"], rows: rows)
            + "\n\(catalog.types.count) instance types, smallest then cheapest first, \(source).\n"
            + "Use one with `size = id TYPE`, or let `size = ram 2GB` pick the first with enough memory.\n"
    }

    public static func render(images: [MachineImage]) -> String {
        guard !images.isEmpty else { return "No image matches.\n" }
        let rows = images.map { [$0.id, String($0.creationDate.prefix(10)), $0.architecture, $0.ownerID, $0.name] }
        return table(header: ["ID", "CREATED", "ARCH", "OWNER", "NAME"], rows: rows)
            + "\nNewest first: nodes get the first. Pin one with `image = id AMI`.\n"
    }

    static func table(header: [String], rows: [[String]]) -> String {
        Table(header: header, rows: rows).text
    }
}
