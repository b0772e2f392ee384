/// What the app must do after a key press; the dashboard itself never
/// touches the server, it only asks through these.
public enum DashboardAction: Sendable, Equatable {
    /// Stop the server cleanly and leave.
    case quit
    /// Start recording the stream if it is not recording, stop it if it is.
    case toggleRecording(streamKey: String)
    /// Disconnect this connection (the id captured when `k` was pressed).
    case kick(connectionID: UInt64)
}
