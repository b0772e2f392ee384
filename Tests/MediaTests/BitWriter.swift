/// Builds bit-exact headers (AudioSpecificConfig and the like) for cases no
/// installed encoder produces.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private var bitCount = 0

    mutating func write(_ value: UInt64, bits: Int) {
        for shift in stride(from: bits - 1, through: 0, by: -1) {
            if bitCount % 8 == 0 {
                bytes.append(0)
            }
            if (value >> UInt64(shift)) & 1 == 1 {
                bytes[bytes.count - 1] |= UInt8(0x80 >> (bitCount % 8))
            }
            bitCount += 1
        }
    }

    mutating func alignToByte() {
        while bitCount % 8 != 0 {
            write(0, bits: 1)
        }
    }

    /// rbsp_trailing_bits(): a stop bit, then zeros to the byte boundary.
    mutating func writeTrailingBits() {
        write(1, bits: 1)
        alignToByte()
    }

    /// AV1 uvlc() for small values.
    mutating func writeUVLC(_ value: UInt64) {
        writeUE(value)
    }

    mutating func writeUE(_ value: UInt64) {
        let codeNum = value + 1
        let length = 64 - codeNum.leadingZeroBitCount
        write(0, bits: length - 1)
        write(codeNum, bits: length)
    }

    /// Inserts H.264/HEVC emulation-prevention bytes, as an encoder does.
    static func escapeEmulation(_ rbsp: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var zeros = 0
        for byte in rbsp {
            if zeros >= 2 && byte <= 3 {
                output.append(3)
                zeros = 0
            }
            output.append(byte)
            zeros = byte == 0 ? zeros + 1 : 0
        }
        return output
    }
}
