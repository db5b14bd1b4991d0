/// Choosing an instance type for `size = ram 256MB`. The provider asks EC2 for the region's
/// types (DescribeInstanceTypes) and falls back to `table` when the endpoint does not offer
/// that action. Either way, the smallest memory that is enough wins; among types with that
/// much memory, the cheaper one per `table`'s order.
public enum InstanceTypes {
    /// Current general-purpose types, cheapest first by Linux on-demand price in us-east-1
    /// (as of 2025). The prices themselves are not kept: only the order matters, to break
    /// ties between types with the same memory.
    public static let table: [InstanceTypeInfo] = [
        x86("t3a.nano", 512, 2), arm("t4g.nano", 512, 2), x86("t3.nano", 512, 2), x86("t2.nano", 512, 1),
        arm("t4g.micro", 1024, 2), x86("t3a.micro", 1024, 2), x86("t3.micro", 1024, 2), x86("t2.micro", 1024, 1),
        arm("t4g.small", 2048, 2), x86("t3a.small", 2048, 2), x86("t3.small", 2048, 2), x86("t2.small", 2048, 1),
        arm("c6g.medium", 2048, 1), arm("c7g.medium", 2048, 1),
        arm("t4g.medium", 4096, 2), x86("t3a.medium", 4096, 2), arm("m6g.medium", 4096, 1), arm("m7g.medium", 4096, 1),
        x86("t3.medium", 4096, 2), x86("t2.medium", 4096, 2),
        arm("r6g.medium", 8192, 1), arm("t4g.large", 8192, 2),
        arm("c6g.large", 4096, 2), arm("c7g.large", 4096, 2), x86("t3a.large", 8192, 2), x86("c6a.large", 4096, 2),
        x86("c5a.large", 4096, 2), arm("m6g.large", 8192, 2), arm("m7g.large", 8192, 2), x86("t3.large", 8192, 2),
        x86("c6i.large", 4096, 2), x86("c5.large", 4096, 2), x86("m5a.large", 8192, 2), x86("m6a.large", 8192, 2),
        x86("c7i.large", 4096, 2), x86("t2.large", 8192, 2), x86("m6i.large", 8192, 2), x86("m5.large", 8192, 2),
        x86("m7i.large", 8192, 2), arm("r6g.large", 16384, 2), x86("r5a.large", 16384, 2), x86("r6a.large", 16384, 2),
        x86("r6i.large", 16384, 2), x86("r5.large", 16384, 2), x86("r7i.large", 16384, 2),
        arm("t4g.xlarge", 16384, 4), arm("c6g.xlarge", 8192, 4), x86("t3a.xlarge", 16384, 4), x86("c6a.xlarge", 8192, 4),
        arm("m6g.xlarge", 16384, 4), x86("t3.xlarge", 16384, 4), x86("c6i.xlarge", 8192, 4), x86("c5.xlarge", 8192, 4),
        x86("m6a.xlarge", 16384, 4), x86("t2.xlarge", 16384, 4), x86("m6i.xlarge", 16384, 4), x86("m5.xlarge", 16384, 4),
        arm("r6g.xlarge", 32768, 4), x86("r6a.xlarge", 32768, 4), x86("r6i.xlarge", 32768, 4), x86("r5.xlarge", 32768, 4),
        arm("t4g.2xlarge", 32768, 8), arm("c6g.2xlarge", 16384, 8), x86("t3a.2xlarge", 32768, 8),
        x86("c6a.2xlarge", 16384, 8), arm("m6g.2xlarge", 32768, 8), x86("t3.2xlarge", 32768, 8),
        x86("c6i.2xlarge", 16384, 8), x86("m6a.2xlarge", 32768, 8), x86("t2.2xlarge", 32768, 8),
        x86("m6i.2xlarge", 32768, 8), arm("r6g.2xlarge", 65536, 8), x86("r6a.2xlarge", 65536, 8),
        x86("r6i.2xlarge", 65536, 8), arm("c6g.4xlarge", 32768, 16), arm("m6g.4xlarge", 65536, 16),
        x86("c6i.4xlarge", 32768, 16), x86("m6i.4xlarge", 65536, 16), arm("r6g.4xlarge", 131072, 16),
        x86("r6i.4xlarge", 131072, 16), x86("m6i.8xlarge", 131072, 32), x86("r6i.8xlarge", 262144, 32),
        x86("r6i.16xlarge", 524288, 64),
    ]

    private static func x86(_ id: String, _ memoryMiB: Int, _ vCPUs: Int) -> InstanceTypeInfo {
        InstanceTypeInfo(id: id, memoryMiB: memoryMiB, vCPUs: vCPUs, architectures: ["x86_64"])
    }

    private static func arm(_ id: String, _ memoryMiB: Int, _ vCPUs: Int) -> InstanceTypeInfo {
        InstanceTypeInfo(id: id, memoryMiB: memoryMiB, vCPUs: vCPUs, architectures: ["arm64"])
    }

    private static let costRank: [String: Int] = Dictionary(
        uniqueKeysWithValues: table.enumerated().map { ($0.element.id, $0.offset) })

    /// Smaller memory first; for equal memory, cheaper first (types missing from `table`
    /// after the known ones, fewer vCPUs first, then by name).
    public static func ordered(_ types: [InstanceTypeInfo]) -> [InstanceTypeInfo] {
        types.sorted { a, b in
            let left = (a.memoryMiB, costRank[a.id] ?? Int.max, a.vCPUs, a.id)
            let right = (b.memoryMiB, costRank[b.id] ?? Int.max, b.vCPUs, b.id)
            return left < right
        }
    }

    /// The types worth offering: current generation, not bare metal, able to run
    /// `architecture` (any, when nil).
    public static func offered(_ types: [InstanceTypeInfo], architecture: String? = nil) -> [InstanceTypeInfo] {
        ordered(
            types.filter { type in
                type.currentGeneration && !type.bareMetal
                    && (architecture.map { type.architectures.contains($0) } ?? true)
            })
    }

    /// The smallest, then cheapest, offered type with at least `megabytes` MiB of memory that
    /// runs `architecture`; nil when none has that much.
    public static func smallest(atLeast megabytes: Int, architecture: String, among types: [InstanceTypeInfo]) -> InstanceTypeInfo? {
        offered(types, architecture: architecture).first { $0.memoryMiB >= megabytes }
    }
}
