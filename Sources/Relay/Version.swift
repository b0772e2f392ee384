/// The product version, shown by `--version` and in the dashboard header.
public enum RTMPTopVersion {
    public static let current = "0.2.0"
}
