/// The outcome of the access checks for one publish or play.
public enum AccessDecision: Sendable, Equatable {
    /// Go ahead; a callback's 3xx may have renamed the stream.
    case allow(renamedTo: String?)
    /// Refused: `reason` is a short fixed word for counters and logs,
    /// `description` the sentence the client gets in its error status.
    case refuse(reason: String, description: String)

    public static let allow = AccessDecision.allow(renamedTo: nil)
}
