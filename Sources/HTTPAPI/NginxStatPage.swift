import Foundation
import Relay

/// `/stat`: the XML page nginx-rtmp's `rtmp_stat all` serves, with the same
/// element names and nesting (rtmp/server/application/live/stream/client,
/// meta/video/…), so stat.xsl pages and the scripts that scrape nginx-rtmp
/// work unchanged. Checked element by element against a real nginx-rtmp
/// page in the interop tests. Bandwidths are bits per second, times
/// milliseconds (uptime seconds), as nginx-rtmp has them.
enum NginxStatPage {
    static func xml(_ s: ServerSnapshot) -> [UInt8] {
        var out = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n<rtmp>\n"
        out += element("nginx_version", "rtmp-top \(s.version)")
        out += element("nginx_rtmp_version", s.version)
        out += element("built", "rtmp-top")
        out += element("pid", "\(getpid())")
        out += element("uptime", "\(Int(s.uptime))")
        out += element("naccepted", "\(s.lifetime.connectionsAccepted)")
        out += element("bw_in", "\(Int(s.totalInBps))")
        out += element("bytes_in", "\(s.lifetime.bytesIn)")
        out += element("bw_out", "\(Int(s.totalOutBps))")
        out += element("bytes_out", "\(s.lifetime.bytesOut)")
        out += "<server>\n"
        let apps = Dictionary(grouping: s.streams, by: \.app)
        for app in apps.keys.sorted() {
            let streams = apps[app] ?? []
            out += "<application>\n" + element("name", app) + "<live>\n"
            for st in streams { out += stream(st, now: s.takenAt) }
            out += element("nclients", "\(streams.reduce(0) { $0 + clients($1) })")
            out += "</live>\n</application>\n"
        }
        out += "</server>\n</rtmp>\n"
        return Array(out.utf8)
    }

    /// nginx-rtmp counts the publisher as a client too.
    private static func clients(_ st: StreamSnapshot) -> Int { st.players.count + (st.publisher == nil ? 0 : 1) }

    private static func stream(_ st: StreamSnapshot, now: Date) -> String {
        var out = "<stream>\n" + element("name", st.name)
        out += element("time", "\(st.publishedAt.map { milliseconds(now.timeIntervalSince($0)) } ?? 0)")
        out += element("bw_in", "\(Int(st.bitrateBps))")
        out += element("bytes_in", "\(st.bytesIn)")
        out += element("bw_out", "\(Int(st.players.reduce(0) { $0 + $1.outBps }))")
        out += element("bytes_out", "\(st.players.reduce(UInt64(0)) { $0 &+ $1.bytesOut })")
        out += element("bw_audio", "\(Int(st.audioBitrateBps))")
        out += element("bw_video", "\(Int(st.videoBitrateBps))")
        for p in st.players { out += client(p, publishing: false, now: now) }
        if let p = st.publisher { out += client(p, publishing: true, now: now) }
        out += "<meta>"
        if let v = st.video {
            out += "<video>"
            if let w = v.width { out += inline("width", "\(w)") }
            if let h = v.height { out += inline("height", "\(h)") }
            if let f = st.frameRate { out += inline("frame_rate", "\(Int(f.rounded()))") }
            out += inline("codec", nginxCodecName(v.codec))
            if let p = v.profile { out += inline("profile", p) }
            out += inline("compat", "0")
            if let l = v.level { out += inline("level", l) }
            out += "</video>"
        }
        if let a = st.audio {
            out += "<audio>" + inline("codec", nginxCodecName(a.codec))
            if let p = a.profile { out += inline("profile", p) }
            if let c = a.channels { out += inline("channels", "\(c)") }
            if let r = a.sampleRate { out += inline("sample_rate", "\(r)") }
            out += "</audio>"
        }
        out += "</meta>\n"
        out += element("nclients", "\(clients(st))")
        if st.isLive { out += "<publishing/>\n<active/>\n" }
        return out + "</stream>\n"
    }

    private static func client(_ c: ConnectionSnapshot, publishing: Bool, now: Date) -> String {
        var out = "<client>"
        out += inline("id", "\(c.id)")
        out += inline("address", host(c.remote))
        out += inline("time", "\(milliseconds(now.timeIntervalSince(c.connectedAt)))")
        if let f = c.clientName { out += inline("flashver", f) }
        out += inline("dropped", "\(c.droppedVideo &+ c.droppedAudio)")
        // Audio/video sync and the last timestamp per client are not
        // measured yet (the stream-health issue adds them): 0, as nginx-rtmp
        // shows before a client has both tracks.
        out += inline("avsync", "0")
        out += inline("timestamp", "0")
        if publishing { out += "<publishing/>" }
        out += "<active/></client>\n"
        return out
    }

    /// nginx-rtmp's names: "H264", "AAC", …
    static func nginxCodecName(_ name: String) -> String { name.replacingOccurrences(of: ".", with: "") }

    /// "127.0.0.1:5000" → "127.0.0.1"; "[::1]:5000" → "::1".
    static func host(_ remote: String) -> String {
        if remote.hasPrefix("["), let close = remote.firstIndex(of: "]") {
            return String(remote[remote.index(after: remote.startIndex)..<close])
        }
        if let colon = remote.lastIndex(of: ":"), remote.firstIndex(of: ":") == colon { return String(remote[..<colon]) }
        return remote
    }

    private static func milliseconds(_ t: TimeInterval) -> Int64 { Int64(max(0, t) * 1000) }

    private static func element(_ name: String, _ value: String) -> String { inline(name, value) + "\n" }

    private static func inline(_ name: String, _ value: String) -> String { "<\(name)>\(escaped(value))</\(name)>" }

    static func escaped(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 has no place for most control characters.
                if ch.value < 0x20 && ch != "\t" && ch != "\n" && ch != "\r" { out += "?" } else { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }
}
