/// What a stream is judged by: `generic` is only what is wrong for any
/// player; a platform adds its published ingest requirements
/// (`PlatformRequirements`).
public enum HealthProfile: String, Sendable, CaseIterable, Encodable {
    case generic
    case twitch
    case youtube

    public var requirements: PlatformRequirements? {
        switch self {
        case .generic: return nil
        case .twitch: return .twitch
        case .youtube: return .youtube
        }
    }
}
