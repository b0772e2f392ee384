import ArgumentParser
import NIOCore
import Relay

/// Push to upstreams and pull from an origin (README "Going beyond one machine").
struct RelayFlags: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Also publish every stream to this rtmp:// URL (repeatable). An app without a name gets the stream's name, no app gets app and name; {app}, {name} and {query} build other shapes.",
        valueName: "url"))
    var push: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "Edge mode: a play request for a stream nobody publishes here pulls it from this rtmp:// origin (same URL rules as --push).",
        valueName: "url"))
    var pull: String?

    @Option(name: .long, help: "Seconds a pull goes on after its last player left (1...3600).")
    var pullIdle = 10

    func validate() throws {
        for url in push + [pull].compactMap({ $0 }) {
            do { _ = try UpstreamURLTemplate(url) } catch { throw ValidationError("\(error)") }
        }
        guard (1...3600).contains(pullIdle) else { throw ValidationError("--pull-idle must be within 1...3600") }
    }

    func apply(to config: inout ServerConfiguration) throws {
        config.pushes += try push.map { UpstreamRule(target: try UpstreamURLTemplate($0)) }
        if let pull { config.pulls = [UpstreamRule(target: try UpstreamURLTemplate(pull))] }
        config.pullIdleTimeout = .seconds(Int64(pullIdle))
    }
}
