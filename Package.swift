// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "silver",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "silver", targets: ["silver"]),
        .executable(name: "silver-node", targets: ["silver-node"]),
        .library(name: "SilverLining", targets: ["SilverLining"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Without its Foundation trait, so the node agent links FoundationEssentials only.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2", traits: []),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // Everything the controller does: config, providers, SSH, roles, deploys.
        .target(
            name: "SilverLining",
            dependencies: [
                "SilverNode",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // What runs on a node. Kept free of heavy dependencies because it is built a
        // second time with --static-swift-stdlib and uploaded to every node.
        .target(name: "SilverNode", dependencies: [.product(name: "Subprocess", package: "swift-subprocess")]),
        .executableTarget(
            name: "silver",
            dependencies: [
                "SilverLining",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "silver-node",
            dependencies: [
                "SilverNode",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "SilverLiningTests",
            dependencies: ["SilverLining"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "SilverNodeTests", dependencies: ["SilverNode"]),
        .testTarget(name: "IntegrationTests", dependencies: ["SilverLining"]),
    ]
)
