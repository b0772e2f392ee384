import Foundation
import HTTPAPI
import Relay
import TestSupport
import XCTest

/// The HTTP API over a real socket with `curl`, while the real ffmpeg
/// publishes and plays: the stream's JSON, kicking a player (its ffmpeg
/// ends), recording start/stop (ffprobe reads the file), and the errors.
final class HTTPAPIInteropTests: XCTestCase {
    var work: URL!
    var server: TestServer!
    var http: HTTPAPIServer!
    var base = ""

    override func setUpWithError() throws {
        work = Fixtures.workDirectory(name)
        server = try TestServer(directory: work) { $0.recording.directory = self.work.appendingPathComponent("rec").path }
        http = HTTPAPIServer(server: server.server)
        var options = APIRouter.Options()
        options.token = "s3cret"
        let bound = try http.start(host: "127.0.0.1", port: 0, options: options)
        base = "http://127.0.0.1:\(bound.port ?? 0)"
    }

    override func tearDown() {
        http?.stop()
        server?.stop()
    }

    /// curl's status and body (`-w` puts the status on the last line).
    private func curl(_ method: String, _ path: String, token: String? = nil, body: URL? = nil) throws -> (status: Int, json: [String: Any]) {
        var args = ["-s", "-X", method, "-w", "\n%{http_code}", "--max-time", "5"]
        if let token { args += ["-H", "Authorization: Bearer \(token)"] }
        if let body { args += ["--data-binary", "@\(body.path)", "-H", "Content-Type: application/octet-stream", "-H", "Expect:"] }
        let r = try ChildProcess.run(try Tool.path("curl"), args + [base + path], in: work, timeout: 10)
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.last ?? "") ?? -1
        let text = lines.dropLast().joined(separator: "\n")
        let json = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        return (status, json)
    }

    func testCurlSeesWhatFFmpegSendsKicksAPlayerAndRecords() throws {
        let source = try Fixtures.h264aac(seconds: 10, gop: 30, size: "1280x720", name: "http-720p-10s.flv")
        let ffmpeg = try Tool.path("ffmpeg")
        let publisher = try ChildProcess(ffmpeg, ["-hide_banner", "-loglevel", "error", "-re", "-i", source.path, "-c", "copy", "-f", "flv", server.url("live/api")],
                                         in: work, name: "ffmpeg-publish").start()
        defer { _ = publisher.wait(timeout: 15) }
        let players = try (0..<2).map { i in
            try ChildProcess(ffmpeg, ["-hide_banner", "-loglevel", "error", "-rw_timeout", "3000000", "-i", server.url("live/api"), "-c", "copy", "-f", "null", "-"],
                             in: work, name: "ffmpeg-play-\(i)").start()
        }
        defer { for p in players { _ = p.wait(timeout: 15) } }
        let live = server.waitFor(timeout: 8) { $0.streams.first?.players.count == 2 && $0.streams.first?.video?.width != nil && $0.streams.first?.audio != nil }
        XCTAssertEqual(live.streams.first?.players.count, 2, "both ffmpeg players joined")

        let stream = try curl("GET", "/api/v1/streams/live/api")
        XCTAssertEqual(stream.status, 200)
        XCTAssertEqual(stream.json["state"] as? String, "live")
        let video = try XCTUnwrap(stream.json["video"] as? [String: Any])
        XCTAssertEqual(video["codec"] as? String, "H.264")
        XCTAssertEqual(video["width"] as? Int, 1280)
        XCTAssertEqual(video["height"] as? Int, 720)
        XCTAssertEqual((stream.json["audio"] as? [String: Any])?["codec"] as? String, "AAC")
        let playerDocs = try XCTUnwrap(stream.json["players"] as? [[String: Any]])
        XCTAssertEqual(playerDocs.count, 2)
        let serverDoc = try curl("GET", "/api/v1/server")
        XCTAssertEqual((serverDoc.json["totals"] as? [String: Any])?["live_streams"] as? Int, 1)

        // Kick one player, as the dashboard's k does: that ffmpeg ends.
        let id = try XCTUnwrap(playerDocs.first?["id"] as? Int)
        XCTAssertEqual(try curl("DELETE", "/api/v1/connections/\(id)").status, 401, "changes need the token")
        XCTAssertEqual(try curl("DELETE", "/api/v1/connections/\(id)", token: "s3cret").status, 200)
        XCTAssertEqual(try curl("DELETE", "/api/v1/connections/\(id)", token: "s3cret").status, 404)
        XCTAssertTrue(waitUntil(timeout: 5) { players.contains { !$0.isRunning } }, "the kicked ffmpeg exited")
        XCTAssertTrue(players.contains { $0.isRunning }, "the other one plays on")

        // Record two seconds; the stopped file is finalised and ffprobe reads it.
        let started = try curl("POST", "/api/v1/streams/live/api/recording", token: "s3cret")
        XCTAssertEqual(started.status, 201)
        XCTAssertEqual(try curl("POST", "/api/v1/streams/live/api/recording", token: "s3cret").status, 409)
        usleep(2_000_000)
        let stopped = try curl("DELETE", "/api/v1/streams/live/api/recording", token: "s3cret")
        XCTAssertEqual(stopped.status, 200)
        let done = server.waitFor(timeout: 5) { $0.streams.first?.recording?.isRecording == false }
        let path = try XCTUnwrap(done.streams.first?.recording?.path)
        let probe = try ChildProcess.run(try Tool.path("ffprobe"), ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", path], in: work, timeout: 10)
        XCTAssertEqual(probe.status, 0, probe.stderr)
        XCTAssertTrue(probe.stdout.contains("h264") && probe.stdout.contains("aac"), probe.stdout)

        // Errors are JSON with the right status.
        let missing = try curl("GET", "/api/v1/nothing")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual((missing.json["error"] as? [String: Any])?["status"] as? Int, 404)
        XCTAssertEqual(try curl("PUT", "/api/v1/server").status, 405)
        let big = work.appendingPathComponent("big.bin")
        try Data(repeating: 0x41, count: 70 << 10).write(to: big)
        XCTAssertEqual(try curl("POST", "/api/v1/streams/live/api/recording", token: "s3cret", body: big).status, 413)
        let events = try curl("GET", "/api/v1/events?since=0")
        let kinds = (events.json["events"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        XCTAssertTrue(kinds.contains("publish") && kinds.contains("kick") && kinds.contains("recording_start"), "\(kinds)")
        XCTAssertEqual(try curl("GET", "/api/v1/server").status, 200, "the endpoint still answers after all that")
    }

    /// Every sample of a /metrics page, parsed by prometheus_client's own
    /// parser: "name{k=v,...}" -> value, labels sorted.
    private func scrape() throws -> [String: Double] {
        let page = work.appendingPathComponent("metrics-\(UUID().uuidString.prefix(6)).txt")
        let r = try ChildProcess.run(try Tool.path("curl"), ["-s", "--max-time", "5", "-o", page.path, "-w", "%{http_code}", base + "/metrics"], in: work, timeout: 10)
        XCTAssertEqual(r.stdout, "200")
        let script = """
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        out = {}
        for family in text_string_to_metric_families(open(sys.argv[1]).read()):
            for s in family.samples:
                labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
                out[f"{s.name}{{{labels}}}"] = s.value
        print(json.dumps(out))
        """
        let parsed = try ChildProcess.run(try Tool.testPython(), ["-c", script, page.path], in: work, timeout: 20)
        XCTAssertEqual(parsed.status, 0, "prometheus_client could not parse the page: \(parsed.stderr)")
        return (try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [String: Double]) ?? [:]
    }

    func testMetricsParseWithPrometheusClientCountersRiseAndAGoneStreamsSeriesGo() throws {
        let source = try Fixtures.h264aac(seconds: 4, gop: 30, name: "metrics-4s.flv")
        let publisher = try ChildProcess(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-re", "-i", source.path, "-c", "copy", "-f", "flv", server.url("live/m")],
                                         in: work, name: "ffmpeg-publish").start()
        defer { _ = publisher.wait(timeout: 10) }
        server.waitFor(timeout: 5) { ($0.streams.first?.videoBytesIn ?? 0) > 0 }
        let first = try scrape()
        XCTAssertEqual(first["rtmp_streams{}"], 1)
        XCTAssertEqual(first["rtmp_connections{role=publisher}"], 1)
        XCTAssertEqual(first["rtmp_stream_live{app=live,name=m}"], 1)
        XCTAssertNotNil(first["process_start_time_seconds{}"])
        let video = "rtmp_stream_received_bytes_total{app=live,name=m,track=video}"
        let audio = "rtmp_stream_received_bytes_total{app=live,name=m,track=audio}"
        let v1 = try XCTUnwrap(first[video], "\(first.keys.sorted())")
        usleep(1_000_000)
        let second = try scrape()
        XCTAssertGreaterThan(try XCTUnwrap(second[video]), v1, "counters rise between scrapes")
        XCTAssertGreaterThan(try XCTUnwrap(second[audio]), try XCTUnwrap(first[audio]))
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(second["rtmp_received_bytes_total{}"]), try XCTUnwrap(first["rtmp_received_bytes_total{}"]))

        // The publisher ends: the stream goes, and so do its series; the lifetime counters stay.
        XCTAssertFalse(publisher.wait(timeout: 10).timedOut)
        server.waitFor(timeout: 5) { $0.streams.isEmpty }
        let after = try scrape()
        XCTAssertEqual(after["rtmp_streams{}"], 0)
        XCTAssertTrue(after.keys.filter { $0.hasPrefix("rtmp_stream_") }.isEmpty, "\(after.keys.sorted())")
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(after["rtmp_received_bytes_total{}"]), try XCTUnwrap(second["rtmp_received_bytes_total{}"]))
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(after["rtmp_connections_accepted_total{}"]), 1)
    }

    /// The element paths of an XML page ("rtmp/server/application/live/stream/client/id", …),
    /// read by Python's own XML parser (which also proves the page well-formed).
    private func elementPaths(_ file: URL) throws -> Set<String> {
        let script = """
        import sys, xml.etree.ElementTree as ET
        def walk(e, prefix):
            path = prefix + "/" + e.tag if prefix else e.tag
            print(path)
            for c in e: walk(c, path)
        walk(ET.parse(sys.argv[1]).getroot(), "")
        """
        let r = try ChildProcess.run(try Tool.path("python3"), ["-c", script, file.path], in: work, timeout: 20)
        XCTAssertEqual(r.status, 0, "not well-formed XML: \(r.stderr)")
        return Set(r.stdout.split(separator: "\n").map(String.init))
    }

    func testStatPageHasNginxRTMPsElementPathsAndControlDropsAndRecords() throws {
        let nginx = try NginxRTMP(directory: work)
        defer { nginx.stop() }
        let source = try Fixtures.h264aac(seconds: 10, gop: 30, name: "stat-10s.flv")
        let ffmpeg = try Tool.path("ffmpeg")
        var children: [ChildProcess] = []
        defer { for c in children { c.signal(SIGINT); _ = c.wait(timeout: 5) } }
        for url in [server.url("live/s"), nginx.url("live/s")] {
            children.append(try ChildProcess(ffmpeg, ["-hide_banner", "-loglevel", "error", "-re", "-i", source.path, "-c", "copy", "-f", "flv", url],
                                             in: work, name: "ffmpeg-publish").start())
        }
        usleep(1_000_000)
        var ourPlayer: ChildProcess?
        for url in [server.url("live/s"), nginx.url("live/s")] {
            let p = try ChildProcess(ffmpeg, ["-hide_banner", "-loglevel", "error", "-rw_timeout", "3000000", "-i", url, "-c", "copy", "-f", "null", "-"],
                                     in: work, name: "ffmpeg-play").start()
            children.append(p)
            if ourPlayer == nil { ourPlayer = p }
        }
        server.waitFor(timeout: 8) { $0.streams.first?.players.count == 1 && $0.streams.first?.video?.width != nil && $0.streams.first?.audio?.sampleRate != nil }
        usleep(1_500_000)  // nginx learns the codecs from the same stream

        let ours = work.appendingPathComponent("ours.xml"), theirs = work.appendingPathComponent("nginx.xml")
        let curl = try Tool.path("curl")
        XCTAssertEqual(try ChildProcess.run(curl, ["-s", "-o", ours.path, "-w", "%{http_code}", base + "/stat"], in: work, timeout: 10).stdout, "200")
        XCTAssertEqual(try ChildProcess.run(curl, ["-s", "-o", theirs.path, "-w", "%{http_code}", "http://127.0.0.1:\(nginx.httpPort)/stat"], in: work, timeout: 10).stdout, "200")
        let xmllint = try ChildProcess.run(try Tool.path("xmllint"), ["--noout", ours.path], in: work, timeout: 10)
        XCTAssertEqual(xmllint.status, 0, "xmllint: \(xmllint.stderr)")
        let ourPaths = try elementPaths(ours), nginxPaths = try elementPaths(theirs)
        XCTAssertTrue(nginxPaths.contains("rtmp/server/application/live/stream/meta/video/width"), "nginx's page as expected: \(nginxPaths.sorted())")
        let missing = nginxPaths.subtracting(ourPaths)
        XCTAssertTrue(missing.isEmpty, "elements nginx-rtmp has and we lack: \(missing.sorted())")
        let page = try String(contentsOf: ours, encoding: .utf8)
        XCTAssertTrue(page.contains("<codec>H264</codec>") && page.contains("<codec>AAC</codec>") && page.contains("<nclients>2</nclients>"), page)

        // nginx-rtmp's control module: GETs, ?token=, plain-text answers.
        let id = try XCTUnwrap(server.server.snapshot().streams.first?.players.first?.id)
        func control(_ path: String) throws -> (status: String, body: String) {
            let r = try ChildProcess.run(curl, ["-s", "-w", "\n%{http_code}", base + path], in: work, timeout: 10)
            let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            return (String(lines.last ?? ""), lines.dropLast().joined(separator: "\n"))
        }
        XCTAssertEqual(try control("/control/drop/client?app=live&name=s&clientid=\(id)").status, "401", "control needs the token")
        let started = try control("/control/record/start?app=live&name=s&token=s3cret")
        XCTAssertEqual(started.status, "200")
        // The file opens at the first keyframe after the start, so start may not know it yet.
        XCTAssertTrue(started.body.isEmpty || started.body.hasSuffix(".flv"), started.body)
        XCTAssertTrue(server.server.isRecording(streamKey: "live/s"))
        usleep(1_500_000)
        let stopped = try control("/control/record/stop?app=live&name=s&token=s3cret")
        XCTAssertEqual(stopped.status, "200")
        XCTAssertTrue(stopped.body.hasSuffix(".flv"), "stop answers the file: \(stopped.body)")
        if !started.body.isEmpty { XCTAssertEqual(stopped.body, started.body) }
        let dropped = try control("/control/drop/client?app=live&name=s&clientid=\(id)&token=s3cret")
        XCTAssertEqual(dropped.status, "200")
        XCTAssertEqual(dropped.body, "1")
        XCTAssertTrue(waitUntil(timeout: 5) { ourPlayer?.isRunning == false }, "the dropped ffmpeg ended")
        XCTAssertEqual(try control("/control/drop/client?app=live&name=s&clientid=\(id)&token=s3cret").body, "0")
    }

    /// The live feed: curl holds `Accept: text/event-stream` open; a publish
    /// shows up as `event: publish` within 1 s of the stream going live.
    func testTheEventFeedDeliversAPublishWithinASecond() throws {
        // One event from before (the "listening" line): its arrival says the feed is up.
        let last = try XCTUnwrap(server.server.events(after: 0).last?.id)
        let feedFile = work.appendingPathComponent("feed.txt")
        let feed = try ChildProcess(try Tool.path("curl"), ["-s", "-N", "--max-time", "8", "-H", "Accept: text/event-stream", "-o", feedFile.path,
                                                           base + "/api/v1/events?since=\(last - 1)"], in: work, name: "curl-feed").start()
        defer { feed.signal(SIGTERM); _ = feed.wait(timeout: 5) }
        func feedText() -> String { (try? String(contentsOf: feedFile, encoding: .utf8)) ?? "" }
        XCTAssertTrue(waitUntil(timeout: 5) { feedText().contains("id: \(last)\n") }, "the feed is up: \(feedText())")
        XCTAssertFalse(feedText().contains("event: publish"), "nothing published yet")
        let source = try Fixtures.h264aac(seconds: 4, gop: 30, name: "metrics-4s.flv")
        let publisher = try ChildProcess(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-re", "-i", source.path, "-c", "copy", "-f", "flv", server.url("live/feed")],
                                         in: work, name: "ffmpeg-publish").start()
        defer { _ = publisher.wait(timeout: 10) }
        XCTAssertTrue(waitUntil(timeout: 5) { self.server.server.snapshot().streams.first?.isLive == true })
        let live = Date()
        XCTAssertTrue(waitUntil(timeout: 1) { feedText().contains("event: publish") }, "within 1 s of the publish: \(feedText())")
        XCTAssertLessThan(Date().timeIntervalSince(live), 1.0)
        let text = feedText()
        let block = try XCTUnwrap(text.components(separatedBy: "\n\n").first { $0.contains("event: publish") })
        let lines = block.split(separator: "\n")
        XCTAssertTrue(lines.contains { $0.hasPrefix("id: ") && UInt64($0.dropFirst(4)).map { $0 > last } == true }, block)
        let data = try XCTUnwrap(lines.first { $0.hasPrefix("data: ") }).dropFirst(6)
        let obj = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any])
        XCTAssertEqual(obj["kind"] as? String, "publish")
        XCTAssertEqual(obj["stream_key"] as? String, "live/feed")
    }

    /// schemathesis generates requests from docs/openapi.yaml (valid and
    /// not) against the live endpoint while ffmpeg publishes: no 5xx, and
    /// every answer matches the document (status, headers, content type,
    /// schema). The feed is left out (it never ends), and so are kicks
    /// (they would end the test's own publisher).
    func testSchemathesisFindsNoServerErrorAndEveryAnswerMatchesTheDocument() throws {
        let python = try Tool.testPython()
        let schemathesis = URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent("schemathesis").path
        guard FileManager.default.isExecutableFile(atPath: schemathesis) else { throw Tool.MissingTool(description: "no schemathesis beside \(python); scripts/test installs it") }
        let spec = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/openapi.yaml")
        let source = try Fixtures.h264aac(seconds: 30, gop: 30, name: "schema-30s.flv")
        let publisher = try ChildProcess(try Tool.path("ffmpeg"), ["-hide_banner", "-loglevel", "error", "-re", "-i", source.path, "-c", "copy", "-f", "flv", server.url("live/schema")],
                                         in: work, name: "ffmpeg-publish").start()
        defer { publisher.signal(SIGINT); _ = publisher.wait(timeout: 5) }
        server.waitFor(timeout: 5) { $0.streams.first?.video != nil }
        let r = try ChildProcess.run(schemathesis, [
            "run", spec.path, "--url", base, "--checks", "all", "--max-time", "20", "--workers", "1",
            "--exclude-path", "/api/v1/events", "--exclude-name", "DELETE /api/v1/connections/{id}",
            "--exclude-path-regex", "^/control/",
            "-H", "Authorization: Bearer s3cret", "--no-color",
        ], in: work, timeout: 90)
        XCTAssertEqual(r.status, 0, "schemathesis:\n\(r.stdout.suffix(6000))\n\(r.stderr.suffix(2000))")
        XCTAssertTrue(r.stdout.contains("passed"), r.stdout.suffix(2000).description)
        XCTAssertTrue(publisher.isRunning, "the publisher lived through it")
    }

    func testABusyPortIsAnError() throws {
        let other = HTTPAPIServer(server: server.server)
        let port = Int(base.split(separator: ":").last!)!
        XCTAssertThrowsError(try other.start(host: "127.0.0.1", port: port, options: APIRouter.Options())) { error in
            XCTAssertTrue("\(error)".contains("address already in use"), "\(error)")
        }
    }
}
