// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "rtmp-top",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rtmp-top", targets: ["rtmp-top"]),
        .library(name: "Relay", targets: ["Relay"]),
        // For the nested Benchmarks/ package.
        .library(name: "RTMP", targets: ["RTMP"]),
        .library(name: "Media", targets: ["Media"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.2.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
        // The HTTP API's /metrics.
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // The nginx-rtmp style HTTP callbacks (--on-publish …).
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        // --config FILE (TOML).
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        // rtmp-bench's latency percentiles.
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: [
        // Wire protocol only: handshake, chunk stream codec, AMF0, messages.
        .target(
            name: "RTMP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Atomics", package: "swift-atomics"),
            ]
        ),
        // FLV tags and codec probes; knows nothing about sockets.
        .target(
            name: "Media",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Server, sessions, registry, live streams, sinks, metrics, snapshots.
        .target(
            name: "Relay",
            dependencies: [
                "RTMP", "Media", "RTMPClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // RTMPS (--rtmps-listen) and rtmps:// pushes and pulls; already built for AsyncHTTPClient.
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Pure-Swift TUI: renders a ServerSnapshot into a cell grid and maps
        // keys to actions. No ncurses here, so every view is unit-tested.
        .target(
            name: "Dashboard",
            dependencies: ["Relay"]
        ),
        // System ncursesw, with a shim for the macros Swift cannot import.
        // (No pkgConfig: its -D flags are refused by SwiftPM with a warning;
        // the shim defines what it needs.)
        .systemLibrary(
            name: "CNcurses",
            providers: [.apt(["libncurses-dev"])]
        ),
        // The only code that calls ncurses: paints a Screen, reads keys.
        .target(
            name: "Terminal",
            dependencies: ["CNcurses", "Dashboard", "Relay"]
        ),
        // The HTTP endpoint (--http): JSON API over the snapshot and control API.
        .target(
            name: "HTTPAPI",
            dependencies: [
                "Relay",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Atomics", package: "swift-atomics"),
            ]
        ),
        // A small RTMP client: interop tests (Enhanced RTMP publishing) and rtmp-bench.
        .target(
            name: "RTMPClient",
            dependencies: [
                "RTMP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "rtmp-top",
            dependencies: [
                "Relay", "Dashboard", "Terminal", "HTTPAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Load generator: one publisher and N players against any RTMP server (scripts/bench).
        .executableTarget(
            name: "rtmp-bench",
            dependencies: [
                "RTMP", "RTMPClient", "Media",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // What several test targets share: a seeded generator, waitUntil,
        // finding the real tools.
        .target(
            name: "TestSupport",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "RTMPTests",
            dependencies: [
                "TestSupport", "RTMP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "DashboardTests",
            dependencies: ["Dashboard", "Relay"]
        ),
        .testTarget(
            name: "MediaTests",
            dependencies: ["TestSupport", "Media", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "HTTPAPITests",
            dependencies: [
                "TestSupport", "HTTPAPI", "Relay", "RTMP", "RTMPClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "RelayTests",
            dependencies: [
                "TestSupport", "Relay", "RTMP", "Media", "RTMPClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "InteropTests",
            dependencies: [
                "TestSupport", "Relay", "RTMP", "Media", "RTMPClient", "HTTPAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
