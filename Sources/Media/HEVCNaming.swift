/// Human names for HEVC general_profile_idc / general_level_idc (ITU-T H.265 Annex A).
enum HEVCNaming {
    /// A profile_idc of 0 is legal when only the compatibility flags say
    /// which profile the stream conforms to, so they are the fallback.
    static func profileIDC(_ idc: UInt8, compatibilityFlags: UInt32) -> UInt8 {
        if idc != 0 {
            return idc
        }
        for candidate in UInt8(1)...11 where compatibilityFlags & (UInt32(0x8000_0000) >> UInt32(candidate)) != 0 {
            return candidate
        }
        return 0
    }

    static func profileName(_ idc: UInt8) -> String? {
        switch idc {
        case 0: return nil
        case 1: return "Main"
        case 2: return "Main 10"
        case 3: return "Main Still Picture"
        case 4: return "Range Extensions"
        case 5: return "High Throughput"
        case 6: return "Multiview Main"
        case 7: return "Scalable Main"
        case 8: return "3D Main"
        case 9: return "Screen Content Coding"
        case 10: return "Scalable Range Extensions"
        case 11: return "High Throughput Screen Content Coding"
        default: return "Profile \(idc)"
        }
    }

    /// general_level_idc is 30 times the level number (93 = 3.1, 120 = 4).
    static func levelName(_ idc: UInt8) -> String? {
        guard idc != 0 else { return nil }
        return LevelFormatting.decimal(major: Int(idc / 30), minor: Int(idc % 30) / 3)
    }
}
