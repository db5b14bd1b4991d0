/// What `silver list-sizes` and `silver list-images` show for a nodeset on Rackspace or OpenStack.
public enum NovaListing {
    public static func render(flavors: [NovaFlavor], region: String) -> String {
        let rows = flavors.sorted(by: NovaFlavor.smallerFirst).map {
            [$0.id, "\($0.ram) MiB", "\($0.vcpus)", "\($0.disk) GB", $0.name]
        }
        return Table(header: ["ID", "MEMORY", "VCPUS", "DISK", "NAME"], rows: rows).text
            + "\n\(flavors.count) flavors in \(region), smallest first.\n"
            + "Use one with `size = id ID`, or let `size = ram 2GB` pick the first with enough memory.\n"
    }

    public static func render(images: [NovaImage]) -> String {
        guard !images.isEmpty else { return "No image matches.\n" }
        let rows = images.map { [$0.id, String($0.created.prefix(10)), $0.name] }
        return Table(header: ["ID", "CREATED", "NAME"], rows: rows).text
            + "\nNewest first: nodes get the first. Pin one with `image = id ID`.\n"
    }
}
