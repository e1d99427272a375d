// swift-tools-version:6.0
// libFuzzer target for the JWKS parser and analyzer. It is a package of its own because the analyzer
// needs jwt-kit, swift-crypto and swift-certificates, which scripts/fuzz.sh cannot compile with a
// plain swiftc call the way it does the Foundation-only targets. Build and run it with
// `scripts/fuzz.sh SECONDS jwks`; it is never part of the audreg package or its tests.
import PackageDescription

let package = Package(
    name: "JWKSFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "audreg", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "JWKSFuzz",
            dependencies: [
                .product(name: "AudregCore", package: "audreg"),
                .product(name: "AudregDrift", package: "audreg"),
            ],
            // main.swift declares libFuzzer's C entry point LLVMFuzzerRunDriver with @_extern(c).
            swiftSettings: [.enableExperimentalFeature("Extern")]
        ),
    ]
)
