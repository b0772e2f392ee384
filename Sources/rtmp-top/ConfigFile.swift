import Foundation
import Relay
import TOMLKit

/// `--config FILE`: a TOML file whose top-level keys are the long options
/// of the command line, and push rules per app and per stream-key pattern:
///
///     listen = "0.0.0.0:1935"
///     headless = true
///     health-profile = "twitch"
///     pull = "rtmp://origin.example/live"
///
///     [[push]]                      # every stream…
///     url = "rtmp://a.example/live"
///     [[push]]                      # …or those matching a glob on app/name
///     match = "games/*"
///     url = "rtmp://live.twitch.tv/app/{name}?key=SECRET"
///
///     [app.studio]                  # shorthand for match = "studio/*"
///     push = ["rtmp://backup.example/studio"]
///
/// The options become arguments placed before the command line's; an
/// option given on the command line drops the file's (so the command line
/// wins, and a repeatable option given there replaces the file's list).
/// `push = ["…"]` at the top level works too. Push rules are read again on
/// SIGHUP and apply to streams published afterwards.
struct ConfigFile {
    /// The file's options as command-line arguments.
    var arguments: [String] = []
    /// `[[push]]` tables and `[app.NAME]` pushes.
    var pushRules: [UpstreamRule] = []
    /// The top-level `push = [...]` strings (every stream).
    var pushURLs: [String] = []

    struct LoadError: Error, CustomStringConvertible {
        var description: String
    }

    static func load(path: String) throws -> ConfigFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LoadError(description: "cannot read config file \(path): \((error as NSError).localizedDescription)")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw LoadError(description: "\(path): line \(e.source.begin.line), column \(e.source.begin.column): \(e.description)")
        }
        return try ConfigFile(table, path: path)
    }

    init(_ table: TOMLTable, path: String) throws {
        func bad(_ what: String) -> LoadError { LoadError(description: "\(path): \(what)") }
        for (key, value) in table {
            switch key {
            case "config":
                throw bad("'config' cannot name another file")
            case "push":
                guard let array = value.array else { throw bad("'push' must be a list of URLs or [[push]] tables") }
                for element in array {
                    if let url = element.string {
                        pushURLs.append(url)
                    } else if let t = element.table {
                        guard let url = t["url"]?.string else { throw bad("a [[push]] table needs url = \"rtmp://…\"") }
                        let unknown = t.keys.filter { $0 != "url" && $0 != "match" }
                        guard unknown.isEmpty else { throw bad("[[push]] does not take \(unknown.joined(separator: ", "))") }
                        pushRules.append(UpstreamRule(match: t["match"]?.string, target: try Self.template(url, path)))
                    } else {
                        throw bad("'push' must be a list of URLs or [[push]] tables")
                    }
                }
            case "app":
                guard let apps = value.table else { throw bad("'app' must be tables: [app.NAME]") }
                for (name, settings) in apps {
                    guard let t = settings.table else { throw bad("[app.\(name)] must be a table") }
                    for (k, v) in t {
                        guard k == "push", let urls = v.array?.compactMap(\.string), urls.count == v.array?.count else {
                            throw bad("[app.\(name)] takes push = [\"rtmp://…\", …] only, not '\(k)'")
                        }
                        pushRules += try urls.map { UpstreamRule(match: "\(name)/*", target: try Self.template($0, path)) }
                    }
                }
            default:
                arguments += try Self.arguments(key, value, bad)
            }
        }
        // Top-level push URLs go through the command line's --push, so that
        // a --push given there replaces them.
        arguments += pushURLs.flatMap { ["--push", $0] }
    }

    private static func template(_ url: String, _ path: String) throws -> UpstreamURLTemplate {
        do { return try UpstreamURLTemplate(url) } catch { throw LoadError(description: "\(path): \(error)") }
    }

    /// `key = value` as `--key value`; `true` as `--key`, `false` as
    /// nothing; a list repeats the option.
    private static func arguments(_ key: String, _ value: TOMLValueConvertible, _ bad: (String) -> LoadError) throws -> [String] {
        let option = "--\(key)"
        if let b = value.bool { return b ? [option] : [] }
        if let s = value.string { return [option, s] }
        if let i = value.int { return [option, String(i)] }
        if let d = value.double { return [option, String(d)] }
        if let array = value.array {
            return try array.flatMap { element -> [String] in
                guard element.array == nil, element.table == nil else { throw bad("'\(key)' must be a list of plain values") }
                return try arguments(key, element, bad)
            }
        }
        throw bad("'\(key)' must be a string, a number, true/false or a list of those")
    }

    /// The file's arguments, less every option the command line gives, then the command line's.
    static func merge(file: [String], commandLine: [String]) -> [String] {
        let given = Set(commandLine.compactMap(optionName))
        var kept: [String] = []
        var skipping = false
        for arg in file {
            if let name = optionName(arg) {
                skipping = given.contains(name)
            }
            if !skipping { kept.append(arg) }
        }
        return kept + commandLine
    }

    /// `--name` of `--name` or `--name=value`; nil for a value.
    private static func optionName(_ arg: String) -> String? {
        guard arg.hasPrefix("--"), arg.count > 2 else { return nil }
        return String(arg.prefix { $0 != "=" })
    }

    /// Where `--config` points in the command line, if anywhere.
    static func path(in arguments: [String]) -> String? {
        for (i, arg) in arguments.enumerated() {
            if arg == "--config", i + 1 < arguments.count { return arguments[i + 1] }
            if arg.hasPrefix("--config=") { return String(arg.dropFirst("--config=".count)) }
        }
        return nil
    }
}
