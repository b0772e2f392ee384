import Logging
import NIOConcurrencyHelpers
import NIOSSL

/// The RTMPS listener's certificate and key (PEM files, `--tls-cert` and
/// `--tls-key`), loaded into one `NIOSSLContext` that every new TLS
/// connection uses; `reload` swaps it (SIGHUP), a pair that does not load
/// keeping the old one, so a renewed certificate needs no restart and a
/// bad one takes nothing down. Connections already open keep theirs.
public final class TLSServerContext: Sendable {
    public let certificatePath: String
    public let keyPath: String
    private let context: NIOLockedValueBox<NIOSSLContext>

    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(certificatePath: String, keyPath: String) throws {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.context = NIOLockedValueBox(try Self.load(certificatePath: certificatePath, keyPath: keyPath))
    }

    var current: NIOSSLContext { context.withLockedValue { $0 } }

    /// Loads the files again; throws (and keeps the old pair) when they do not load.
    public func reload() throws {
        let fresh = try Self.load(certificatePath: certificatePath, keyPath: keyPath)
        context.withLockedValue { $0 = fresh }
    }

    private static func load(certificatePath: String, keyPath: String) throws -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw LoadError(description: "cannot load the TLS certificate \(certificatePath) (PEM wanted): \(error)")
        }
        guard !chain.isEmpty else { throw LoadError(description: "no certificate in \(certificatePath) (PEM wanted)") }
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw LoadError(description: "cannot load the TLS key \(keyPath) (PEM wanted): \(error)")
        }
        let config = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        do {
            return try NIOSSLContext(configuration: config)
        } catch {
            throw LoadError(description: "the TLS certificate \(certificatePath) and key \(keyPath) do not go together: \(error)")
        }
    }
}
