/// Human names for H.264 profile_idc/level_idc, as in ITU-T H.264 Annex A,
/// so that every place that shows a stream uses the same words.
enum AVCNaming {
    private static let constraintSet1: UInt8 = 0x40
    private static let constraintSet3: UInt8 = 0x10

    static func profileName(profileIDC: UInt8, constraintFlags: UInt8) -> String {
        let intra = constraintFlags & constraintSet3 != 0
        switch profileIDC {
        case 66: return constraintFlags & constraintSet1 != 0 ? "Constrained Baseline" : "Baseline"
        case 77: return "Main"
        case 88: return "Extended"
        case 100: return "High"
        case 110: return intra ? "High 10 Intra" : "High 10"
        case 122: return intra ? "High 4:2:2 Intra" : "High 4:2:2"
        case 244: return intra ? "High 4:4:4 Intra" : "High 4:4:4 Predictive"
        case 44: return "CAVLC 4:4:4 Intra"
        case 83: return "Scalable Baseline"
        case 86: return "Scalable High"
        case 118: return "Multiview High"
        case 128: return "Stereo High"
        case 134: return "MFC High"
        case 135: return "MFC Depth High"
        case 138: return "Multiview Depth High"
        case 139: return "Enhanced Multiview Depth High"
        default: return "Profile \(profileIDC)"
        }
    }

    /// level_idc is ten times the level number; "1b" has two encodings
    /// (level_idc 9, or 11 with constraint_set3 in the non-High profiles).
    static func levelName(levelIDC: UInt8, profileIDC: UInt8, constraintFlags: UInt8) -> String? {
        guard levelIDC != 0 else { return nil }
        if levelIDC == 9 {
            return "1b"
        }
        if levelIDC == 11, constraintFlags & constraintSet3 != 0, [66, 77, 88].contains(profileIDC) {
            return "1b"
        }
        return LevelFormatting.decimal(major: Int(levelIDC / 10), minor: Int(levelIDC % 10))
    }
}
