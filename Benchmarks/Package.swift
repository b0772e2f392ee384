// swift-tools-version:6.0
import PackageDescription

// Microbenchmarks of the wire protocol's hot paths, kept out of the main
// package so its build stays light:
//   swift run -c release --package-path Benchmarks rtmp-microbench
// ordo-one/benchmark 1.38.1 (the version available offline here) needs
// swift-runtime-interposer on Linux with Swift 6.3, which is not available,
// so this is a plain executable with its own timing loop.
let package = Package(
    name: "rtmp-top-benchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "rtmp-top", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "rtmp-microbench",
            dependencies: [
                .product(name: "RTMP", package: "rtmp-top"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
