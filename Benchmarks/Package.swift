// swift-tools-version:6.0
import PackageDescription

// Microbenchmarks of the hot paths, kept out of the main package so its
// build stays light. Run with scripts/microbench, which builds in release
// mode with -enable-testing (the fan-out benchmark drives the relay's
// internal types through `@testable import Relay`) and preloads the malloc
// interposer so allocations are counted.
//
// ordo-one/benchmark 1.38.1 (the version available offline here) needs
// swift-runtime-interposer on Linux with Swift 6.3, which is not available;
// its malloc counter, ordo-one/malloc-interposer, is used on its own, with
// a plain timing loop.
let package = Package(
    name: "rtmp-top-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "rtmp-top", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/ordo-one/malloc-interposer.git", from: "1.6.1"),
    ],
    targets: [
        .executableTarget(
            name: "rtmp-microbench",
            dependencies: [
                .product(name: "RTMP", package: "rtmp-top"),
                .product(name: "Relay", package: "rtmp-top"),
                .product(name: "Media", package: "rtmp-top"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MallocInterposerSwift", package: "malloc-interposer"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
