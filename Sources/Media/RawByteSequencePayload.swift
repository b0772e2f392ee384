/// H.264/HEVC NAL units escape any `00 00 0x` (x <= 3) run inside their payload
/// by inserting an emulation-prevention `03`; bit-level parsing must see the
/// unescaped bytes or every field after the first escape is misread.
enum RawByteSequencePayload {
    static func unescape(_ nalUnit: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(nalUnit.count)
        var zeroRun = 0
        for byte in nalUnit {
            if zeroRun >= 2 && byte == 0x03 {
                zeroRun = 0
                continue
            }
            output.append(byte)
            zeroRun = byte == 0 ? zeroRun &+ 1 : 0
        }
        return output
    }
}
