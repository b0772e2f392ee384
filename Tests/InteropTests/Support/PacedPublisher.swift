import Foundation
import Media
import NIOCore
import NIOPosix
import RTMP
import RTMPClient

/// Publishes FLV tags through our own RTMP client at real-time pace (as
/// `ffmpeg -re` would), for the faults ffmpeg will not make: each tag is
/// sent at its `sendAtMs` after the start, carrying whatever timestamp and
/// payload the test crafted.
struct PacedPublisher {
    struct Tag {
        var sendAtMs: UInt32
        var type: UInt8
        var timestamp: UInt32
        var payload: ByteBuffer
    }

    let tags: [Tag]

    /// The tags as they are in the file, timestamps for pace.
    init(_ tags: [FLVTag]) {
        self.tags = tags.map { Tag(sendAtMs: $0.timestamp, type: $0.type, timestamp: $0.timestamp, payload: $0.payload) }
    }

    init(tags: [Tag]) { self.tags = tags }

    /// Connects, publishes `name` on `app` and sends on a thread of its own;
    /// the returned group is left once the last tag is out and the client closed.
    func start(port: Int, app: String, name: String, group: EventLoopGroup) throws -> DispatchGroup {
        let client = try RTMPClient.connect(host: "127.0.0.1", port: port, app: app, group: group)
        try client.publish(name)
        let done = DispatchGroup()
        done.enter()
        let tags = self.tags
        Thread.detachNewThread {
            let start = DispatchTime.now().uptimeNanoseconds
            for tag in tags {
                let due = start + UInt64(tag.sendAtMs) * 1_000_000
                let now = DispatchTime.now().uptimeNanoseconds
                if due > now { usleep(UInt32(min((due - now) / 1000, 1_000_000))) }
                client.sendMedia(typeID: tag.type, timestamp: tag.timestamp, payload: tag.payload)
            }
            client.close()
            done.leave()
        }
        return done
    }

    /// An onMetaData tag with one number replaced (a publisher that lies).
    static func metadata(_ tag: FLVTag, setting key: String, to value: Double) -> ByteBuffer {
        var payload = tag.payload
        var values = (try? AMF0Decoder().decodeAll(&payload)) ?? []
        for (i, v) in values.enumerated() {
            switch v {
            case .ecmaArray(let props), .object(let props):
                var props = props
                if let j = props.firstIndex(where: { $0.key == key }) { props[j].value = .number(value) } else { props.append(AMF0Property(key: key, value: .number(value))) }
                values[i] = .ecmaArray(props)
            default: continue
            }
        }
        var out = ByteBuffer()
        AMF0Encoder.encode(values, into: &out)
        return out
    }
}
