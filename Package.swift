// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Liaison",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "liaison", targets: ["liaison"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Pure logic: no sockets, no SQL, no HTTP.
        .target(name: "LiaisonCore"),
        // The SQLite state file.
        .target(name: "LiaisonStore", dependencies: [
            "LiaisonCore",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // IRC messages: parser, serialiser, casemapping, masks, text splitting, CTCP. Pure
        // Swift without SwiftNIO, so the fuzz target links only this.
        .target(name: "LiaisonIRCProtocol"),
        // IRC: codec, session state machine, SwiftNIO client.
        .target(name: "LiaisonIRC", dependencies: [
            "LiaisonCore",
            "LiaisonIRCProtocol",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // Matrix: the client-server API over async-http-client.
        .target(name: "LiaisonMatrix", dependencies: [
            "LiaisonCore",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // bot.conf: the INI parser and the settings it yields. Pure, fuzzed on its own.
        .target(name: "LiaisonConfig", dependencies: ["LiaisonCore"]),
        // Console network, wiring and lifecycle. A library so tests can reach it; the
        // executable below stays a thin command line.
        .target(name: "LiaisonApp", dependencies: [
            "LiaisonCore",
            "LiaisonConfig",
            "LiaisonStore",
            "LiaisonIRC",
            "LiaisonMatrix",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .executableTarget(name: "liaison", dependencies: [
            "LiaisonApp",
            "LiaisonCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // scripts/fuzz: libFuzzer targets for the parsers and the detector (see Fuzz/README.md).
        // The library holds the targets, so the test suite replays the regression inputs.
        .target(name: "LiaisonFuzzTargets", dependencies: [
            "LiaisonCore", "LiaisonStore", "LiaisonIRCProtocol", "LiaisonConfig",
        ]),
        .executableTarget(name: "liaison-fuzz", dependencies: ["LiaisonFuzzTargets"], path: "Sources/LiaisonFuzz"),
        // Seeded randomness and the labelled evaluation sets, shared by the tests and LiaisonBench.
        .target(name: "LiaisonTestSupport", dependencies: ["LiaisonCore"]),
        // scripts/bench: figures for matching quality and scale (release build, not in CI).
        .executableTarget(name: "LiaisonBench", dependencies: ["LiaisonCore", "LiaisonStore", "LiaisonTestSupport"],
                         path: "Benchmarks/LiaisonBench"),
        // Broker tests run on the real SQLite store, never a mock.
        .testTarget(name: "LiaisonCoreTests", dependencies: [
            // The IRC and Matrix network profiles, for the sentences that name people across networks.
            "LiaisonCore", "LiaisonStore", "LiaisonTestSupport", "LiaisonIRC", "LiaisonMatrix",
        ]),
        .testTarget(name: "LiaisonStoreTests", dependencies: ["LiaisonStore", "LiaisonCore"]),
        // What every store backend must do, through the Store protocol only: run on each backend.
        .testTarget(name: "LiaisonStoreContractTests", dependencies: ["LiaisonStore", "LiaisonCore"]),
        .testTarget(name: "LiaisonIRCTests", dependencies: [
            "LiaisonIRC", "LiaisonIRCProtocol", "LiaisonCore", "LiaisonTestSupport", .product(name: "NIOCore", package: "swift-nio"),
            // The client's lifecycle, against a loopback server.
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .testTarget(name: "LiaisonMatrixTests", dependencies: [
            "LiaisonMatrix", "LiaisonCore", "LiaisonTestSupport", .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], exclude: ["Fixtures"]),
        .testTarget(name: "LiaisonAppTests", dependencies: [
            "LiaisonApp", "LiaisonConfig", "LiaisonCore", "LiaisonStore", "LiaisonIRC", "LiaisonMatrix", "LiaisonTestSupport",
        ]),
        .testTarget(name: "LiaisonFuzzTests", dependencies: ["LiaisonFuzzTargets", "LiaisonTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

// Every target shows its edges (as Hummingbird does): existentials spelt `any`, a member used
// only where its module is imported, and imports internal unless a public API needs them.
for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ]
}
