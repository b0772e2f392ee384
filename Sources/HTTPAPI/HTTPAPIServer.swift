import Atomics
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Relay

/// The HTTP endpoint (`--http`): NIOHTTP1 on the relay's own event loops,
/// answering with `APIRouter`. Off unless started.
public final class HTTPAPIServer: Sendable {
    public enum StartError: Error, CustomStringConvertible {
        case bindFailed(address: String, reason: String)
        public var description: String {
            switch self {
            case .bindFailed(let address, let reason): return "cannot listen for HTTP on \(address): \(reason)"
            }
        }
    }

    /// A connection that sends nothing for this long is closed (a client
    /// holding sockets open must not hold them forever).
    static let idleTimeout: TimeAmount = .seconds(30)

    private let server: RTMPServer
    private let listener = NIOLockedValueBox<Channel?>(nil)
    private let feeds = ManagedAtomic<Int>(0)

    public init(server: RTMPServer) {
        self.server = server
    }

    /// Binds and starts answering. Returns the bound address.
    @discardableResult
    public func start(host: String, port: Int, options: APIRouter.Options) throws -> SocketAddress {
        let server = self.server
        let feeds = self.feeds
        let bootstrap = ServerBootstrap(group: server.eventLoopGroup)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let ops = channel.pipeline.syncOperations
                    try ops.addHandler(IdleStateHandler(readTimeout: Self.idleTimeout))
                    try ops.configureHTTPServerPipeline(withErrorHandling: true)
                    try ops.addHandler(APIHTTPHandler(router: APIRouter(server: server, options: options), feeds: feeds))
                }
            }
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let channel: Channel
        do {
            channel = try bootstrap.bind(host: host, port: port).wait()
        } catch let e as IOError {
            throw StartError.bindFailed(address: address, reason: e.errnoCode == EADDRINUSE ? "address already in use" : "\(e)")
        } catch {
            throw StartError.bindFailed(address: address, reason: "\(error)")
        }
        listener.withLockedValue { $0 = channel }
        guard let bound = channel.localAddress else { throw StartError.bindFailed(address: address, reason: "no local address after bind") }
        server.noteHTTPAddress(RTMPServer.describe(bound))
        return bound
    }

    public func stop() {
        server.noteHTTPAddress(nil)
        if let c = listener.withLockedValue({ $0 }) { try? c.close().wait() }
    }
}
