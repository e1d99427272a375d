// swift-tools-version:6.0
import PackageDescription

// The targets are the architecture (see ARCHITECTURE.md): a core with no network or template
// dependency, and around it the site, the config readers, drift, explain and export, each with its
// own tests; the `audreg` executable wires them together and owns every process-wide setting.
let package = Package(
    name: "audreg",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "audreg", targets: ["audreg"]),
        .library(name: "AudregCore", targets: ["AudregCore"]),
        .library(name: "AudregSite", targets: ["AudregSite"]),
        .library(name: "AudregDrift", targets: ["AudregDrift"]),
        .library(name: "AudregExplain", targets: ["AudregExplain"]),
        .library(name: "AudregExport", targets: ["AudregExport"]),
        .library(name: "AudregServe", targets: ["AudregServe"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Exact: the site's tests compare the template engine's output with swift-mustache's byte for
        // byte; only AudregSiteTests links it.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        // Exact, like swift-mustache: `audreg serve` (its only user) is tested against this release.
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        // Hummingbird logs through it; `audreg serve` turns its per-server lines off.
        .package(url: "https://github.com/apple/swift-log.git", from: "1.14.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // libexpat, for the XML configs (Azure API Management policies). Not FoundationXML: that links
        // libxml2 dynamically, and the release binary is static (scripts/release.sh).
        .systemLibrary(
            name: "CExpat",
            pkgConfig: "expat",
            providers: [.apt(["libexpat1-dev"])]
        ),
        // YAML, the registry model and loader, rules, findings, reporters, controls, encoders, diff,
        // scaffolding, and the readers of deployed configs (a deployment's kind is its reader's).
        // Foundation, libyaml and libexpat only: no network, no template engine, no crypto.
        .target(name: "AudregCore", dependencies: ["CYAML", "CExpat"]),
        // The static site: view models, pages, the template engine. Crypto: SHA-256 of each page's
        // inputs, which the incremental build compares (Incremental/).
        .target(name: "AudregSite", dependencies: ["AudregCore", .product(name: "Crypto", package: "swift-crypto")]),
        // Drift: fetches issuers' documents over HTTP, analyses key sets, checks deployed configs.
        .target(
            name: "AudregDrift",
            dependencies: [
                "AudregCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // `audreg explain`: decodes a token and verifies it against a key set (fetched through drift's HTTP client).
        .target(
            name: "AudregExplain",
            dependencies: [
                "AudregCore",
                "AudregDrift",
                .product(name: "JWTKit", package: "jwt-kit"),
            ]
        ),
        // `audreg export`: OSCAL and gateway configs.
        .target(
            name: "AudregExport",
            dependencies: [
                "AudregCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // `audreg serve`: builds the site, serves it on loopback, rebuilds on change and reloads pages.
        .target(
            name: "AudregServe",
            dependencies: [
                "AudregCore",
                "AudregSite",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Generated registries and the drift benchmark, for `audreg generate` and the tests.
        .target(name: "AudregTestSupport", dependencies: ["AudregCore", "AudregDrift"]),
        .executableTarget(
            name: "audreg",
            dependencies: [
                "AudregCore",
                "AudregSite",
                "AudregDrift",
                "AudregExplain",
                "AudregExport",
                "AudregServe",
                "AudregTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // SHA-256 of each file `export --out` writes, kept in the folder's `.audreg-export-*` record.
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Helpers shared by the test targets (temporary folders, running the built CLI, snapshots,
        // a loopback HTTP server). The fixtures they read live in Tests/Fixtures.
        .target(
            name: "AudregTestHelpers",
            dependencies: [
                "AudregCore",
                "AudregDrift",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/AudregTestHelpers"
        ),
        .testTarget(
            name: "AudregCoreTests",
            dependencies: ["AudregCore", "AudregTestHelpers", "AudregTestSupport"],
            exclude: ["Snapshots"]
        ),
        .testTarget(
            name: "AudregSiteTests",
            dependencies: [
                "AudregSite", "AudregCore", "AudregDrift", "AudregExport", "AudregTestHelpers", "AudregTestSupport",
                // The reference the site's template engine is compared with, byte for byte.
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .testTarget(
            name: "AudregDriftTests",
            dependencies: [
                "AudregDrift", "AudregCore", "AudregExplain", "AudregTestHelpers", "AudregTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "AudregExplainTests",
            dependencies: ["AudregExplain", "AudregDrift", "AudregCore", "AudregTestHelpers"]
        ),
        .testTarget(
            name: "AudregExportTests",
            dependencies: ["AudregExport", "AudregDrift", "AudregCore", "AudregTestHelpers"]
        ),
        .testTarget(
            name: "AudregServeTests",
            dependencies: [
                "AudregServe", "AudregCore", "AudregTestHelpers",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        // Tests that run the built `audreg` executable (commands, integration, hardening).
        .testTarget(
            name: "audregTests",
            dependencies: [
                "AudregCore", "AudregSite", "AudregDrift", "AudregExplain", "AudregExport",
                "AudregTestHelpers",
            ]
        ),
    ]
)
