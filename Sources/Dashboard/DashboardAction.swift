/// What the app must do after a key press; the dashboard itself never
/// touches the server, it only asks through these.
public enum DashboardAction: Sendable, Equatable {
    /// Stop the server cleanly and leave.
    case quit
    /// Start recording the stream if it is not recording, stop it if it is.
    case toggleRecording(streamKey: String)
    /// Disconnect this connection (the id captured when `k` was pressed).
    case kick(connectionID: UInt64)
    /// Send Enhanced RTMP's Reconnect Request to this publisher (the id
    /// captured when `e` was pressed). Only a publisher whose connect
    /// announced capsEx Reconnect is asked; the app says whether it was.
    case requestReconnect(connectionID: UInt64)
    /// Stop this push (`PushSnapshot.id`): it drops its upstream connection
    /// and stays stopped, without retrying, until `restartPush`.
    case stopPush(id: UInt64)
    /// Start a stopped push again, or make a waiting one retry now.
    case restartPush(id: UInt64)
    /// Open `url` (the stream's play URL) in ffplay, started so that it
    /// outlives the dashboard. The app says how that went in a message
    /// (`DashboardController.show(message:at:)`).
    case play(streamKey: String, url: String)
    /// Put `text` on the terminal's clipboard (OSC 52): the Terminal layer
    /// does it itself, since only it writes to the terminal.
    case copyToClipboard(String)
}
