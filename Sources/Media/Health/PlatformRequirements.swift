/// A platform's published RTMP ingest requirements, as the `twitch` and
/// `youtube` health profiles check them. One table: each row names the
/// page it comes from.
public struct PlatformRequirements: Sendable {
    public var name: String
    public var source: String
    public init(name: String, source: String) {
        self.name = name
        self.source = source
    }
    static let twitch = PlatformRequirements(name: "twitch", source: "https://help.twitch.tv/s/article/broadcasting-guidelines")
    static let youtube = PlatformRequirements(name: "youtube", source: "https://support.google.com/youtube/answer/2853702")
}
