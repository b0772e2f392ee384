import ArgumentParser
import Relay

/// RTMPS: a second listener with TLS in front of the same server, and the
/// certificate checks of rtmps:// pushes and pulls.
struct TLSFlags: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Also listen for RTMPS on HOST:PORT (needs --tls-cert and --tls-key).", valueName: "host:port"))
    var rtmpsListen: String?

    @Option(name: .long, help: ArgumentHelp("PEM certificate chain for RTMPS (reloaded on SIGHUP).", valueName: "file"))
    var tlsCert: String?

    @Option(name: .long, help: ArgumentHelp("PEM private key for RTMPS (reloaded on SIGHUP).", valueName: "file"))
    var tlsKey: String?

    @Flag(name: .long, help: "Do not verify the certificates of rtmps:// pushes and pulls (self-signed upstreams).")
    var tlsInsecure = false

    func validate() throws {
        if let l = rtmpsListen {
            guard ListenAddress(l) != nil else { throw ValidationError("--rtmps-listen wants HOST:PORT, got '\(l)'") }
            guard tlsCert != nil, tlsKey != nil else { throw ValidationError("--rtmps-listen needs --tls-cert and --tls-key") }
        } else if tlsCert != nil || tlsKey != nil {
            throw ValidationError("--tls-cert and --tls-key are for --rtmps-listen")
        }
    }

    /// Throws when the certificate or key does not load: at start that is an error.
    func apply(to config: inout ServerConfiguration) throws {
        config.verifyUpstreamCertificates = !tlsInsecure
        guard let l = rtmpsListen, let address = ListenAddress(l), let tlsCert, let tlsKey else { return }
        config.rtmps = RTMPSListener(host: address.host, port: address.port, context: try TLSServerContext(certificatePath: tlsCert, keyPath: tlsKey))
    }
}
