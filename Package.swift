// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "audreg",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "audreg", targets: ["audreg"]),
        .library(name: "AudregKit", targets: ["AudregKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(
            name: "AudregKit",
            dependencies: [
                "CYAML",
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .executableTarget(
            name: "audreg",
            dependencies: [
                "AudregKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "AudregKitTests",
            dependencies: ["AudregKit"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
