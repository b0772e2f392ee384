// Targets for Sources/Media: FLV files, tag headers, codec probes.

@testable import Media
import NIOCore
import RTMP

// MARK: - flv

@Sendable func fuzzFLV(_ input: [UInt8]) {
    var reader: FLVReader
    do {
        reader = try FLVReader(ByteBuffer(bytes: input))
    } catch {
        require(error is FLVError, "FLVReader.init threw \(error)")
        return
    }
    var tags: [FLVTag] = []
    var cleanEnd = false
    while true {
        do {
            guard let tag = try reader.next() else {
                cleanEnd = true
                break
            }
            require(tag.payload.readableBytes <= FLVWriter.maximumPayloadSize, "tag of \(tag.payload.readableBytes) bytes")
            require([FLVTag.audioType, FLVTag.videoType, FLVTag.scriptDataType].contains(tag.type), "tag type \(tag.type)")
            tags.append(tag)
        } catch {
            require(error is FLVError, "FLVReader.next threw \(error)")
            break
        }
    }
    if cleanEnd {
        require((try? reader.next()) == .some(nil), "a reader at its end reads on")
    }

    // Written again by FLVWriter (as the recorder writes), the tags read back the same.
    var file = ByteBuffer()
    FLVWriter.writeHeader(hasAudio: reader.header.hasAudio, hasVideo: reader.header.hasVideo, into: &file)
    for tag in tags {
        require(FLVWriter.writeTag(tag, into: &file), "FLVWriter refused a tag FLVReader read")
    }
    do {
        var again = try FLVReader(file)
        require(again.header == reader.header, "header \(again.header) != \(reader.header)")
        var reread: [FLVTag] = []
        while let tag = try again.next() { reread.append(tag) }
        require(reread == tags, "re-written file reads back \(reread.count) other tags of \(tags.count)")
    } catch {
        fatalError("fuzz invariant failed: a file FLVWriter wrote does not read: \(error)")
    }

    for tag in tags {
        switch tag.type {
        case FLVTag.videoType: probeVideo(tag.payload)
        case FLVTag.audioType: probeAudio(tag.payload)
        default:
            var script = tag.payload
            _ = try? AMF0Decoder().decodeAll(&script)
        }
    }
}

// MARK: - video

@Sendable func fuzzVideoTag(_ input: [UInt8]) {
    probeVideo(ByteBuffer(bytes: input))
}

private func probeVideo(_ payload: ByteBuffer) {
    let info = VideoTagInfo.parse(payload)
    let first = payload.getInteger(at: payload.readerIndex, as: UInt8.self)
    require(first != nil || info == nil, "VideoTagInfo from an empty payload")
    if let first, first & 0x80 != 0 {
        let header = ExVideoTagHeader.parse(payload)
        require((header == nil) == (info == nil), "ExVideoTagHeader and VideoTagInfo disagree")
        if let header {
            require(header.body.readableBytes <= payload.readableBytes, "body larger than the payload")
        }
    }
    if let info {
        _ = info.compositionOffset(in: payload)
        _ = info.carriesPicture
        require(!(info.isKeyframe && info.isSequenceHeader), "a sequence header counted as a keyframe")
        require(!(info.isSequenceHeader && info.isSequenceEnd), "both sequence start and end")
    }
    if let config = CodecProbe.videoConfig(payload) {
        require(info?.isSequenceHeader == true, "a configuration from a payload that is no sequence header")
        require(info?.codec == config.codec, "probe says \(config.codec), tag says \(String(describing: info?.codec))")
        checkVideoConfig(config)
    }
    if let size = CodecProbe.vp9FrameSize(payload) {
        require(info?.codec == .vp9 && info?.carriesPicture == true, "a VP9 frame size from \(String(describing: info))")
        require((1...65536).contains(size.width) && (1...65536).contains(size.height), "VP9 size \(size)")
    }
    if let size = CodecProbe.vp8FrameSize(payload) {
        require(info?.codec == .vp8 && info?.carriesPicture == true, "a VP8 frame size from \(String(describing: info))")
        require((1...0x3FFF).contains(size.width) && (1...0x3FFF).contains(size.height), "VP8 size \(size)")
    }
}

private func checkVideoConfig(_ config: VideoConfig) {
    require((config.width == nil) == (config.height == nil), "width without height: \(config)")
    if let width = config.width, let height = config.height {
        require(width > 0 && height > 0 && width <= Int(Int32.max) && height <= Int(Int32.max), "size \(width)x\(height)")
    }
    if let depth = config.bitDepth {
        require((8...16).contains(depth), "bit depth \(depth)")
    }
    require(config.profile?.isEmpty != true && config.level?.isEmpty != true, "empty name: \(config)")
}

// MARK: - audio

@Sendable func fuzzAudioTag(_ input: [UInt8]) {
    probeAudio(ByteBuffer(bytes: input))
}

private func probeAudio(_ payload: ByteBuffer) {
    let info = AudioTagInfo.parse(payload)
    if let first = payload.getInteger(at: payload.readerIndex, as: UInt8.self), first >> 4 == ExAudioTagHeader.exHeaderSoundFormat {
        let header = ExAudioTagHeader.parse(payload)
        require((header == nil) == (info == nil), "ExAudioTagHeader and AudioTagInfo disagree")
    }
    if let info {
        if let rate = info.soundRate { require(rate > 0, "sound rate \(rate)") }
        if let channels = info.channels { require(channels == 1 || channels == 2, "channels \(channels)") }
    }
    guard let config = CodecProbe.audioConfig(payload) else { return }
    guard let info else {
        fatalError("fuzz invariant failed: an audio configuration from a payload AudioTagInfo rejects")
    }
    switch (config.codec, info.codec) {
    case (.ac3, .eac3), (.eac3, .ac3):
        // The sync frame's bsid says which it really is, whatever the FourCC claimed.
        break
    default:
        require(config.codec == info.codec, "probe says \(config.codec), tag says \(info.codec)")
    }
    if [.aac, .opus, .flac].contains(config.codec) {
        require(info.isSequenceHeader, "\(config.codec) configuration from a payload that is no sequence header")
    }
    checkAudioConfig(config)
}

private func checkAudioConfig(_ config: AudioConfig) {
    if let rate = config.sampleRate { require(rate > 0, "sample rate \(rate)") }
    if let channels = config.channels { require((1...255).contains(channels), "channels \(channels)") }
    require(config.profile?.isEmpty != true, "empty profile")
}

// MARK: - video-config

@Sendable func fuzzVideoConfig(_ input: [UInt8]) {
    guard let selector = input.first else { return }
    let body = Array(input.dropFirst())
    let buffer = ByteBuffer(bytes: body)
    switch selector % 9 {
    case 0:
        if let record = AVCDecoderConfigurationRecord.parse(buffer) {
            require(record.sequenceParameterSets.count <= 31, "\(record.sequenceParameterSets.count) SPS")
            checkVideoConfig(record.videoConfig)
        }
    case 1:
        if let record = HEVCDecoderConfigurationRecord.parse(buffer) {
            require((8...15).contains(record.bitDepthLuma), "record bit depth \(record.bitDepthLuma)")
            checkVideoConfig(record.videoConfig)
        }
    case 2:
        if let record = AV1CodecConfigurationRecord.parse(buffer) {
            checkVideoConfig(record.videoConfig)
        }
    case 3:
        if let record = VPCodecConfigurationRecord.parse(buffer) {
            require([8, 10, 12].contains(record.bitDepth), "VP bit depth \(record.bitDepth)")
            checkVideoConfig(record.videoConfig(codec: .vp9))
        }
    case 4:
        let unescaped = RawByteSequencePayload.unescape(body)
        require(unescaped.count <= body.count, "unescaping grew the NAL unit")
        if let sps = AVCSequenceParameterSet.parse(nalUnit: body) {
            require(sps.width > 0 && sps.height > 0 && sps.width <= Int(Int32.max) && sps.height <= Int(Int32.max), "SPS size \(sps.width)x\(sps.height)")
            require((8...14).contains(sps.bitDepthLuma), "SPS bit depth \(sps.bitDepthLuma)")
            require(!sps.profileName.isEmpty, "empty profile name")
            _ = sps.levelName
        }
    case 5:
        if let sps = HEVCSequenceParameterSet.parse(nalUnit: body) {
            require(sps.width > 0 && sps.height > 0 && sps.width <= Int(Int32.max) && sps.height <= Int(Int32.max), "SPS size \(sps.width)x\(sps.height)")
            require((8...16).contains(sps.bitDepthLuma), "SPS bit depth \(sps.bitDepthLuma)")
            _ = HEVCNaming.profileName(HEVCNaming.profileIDC(sps.profileIDC, compatibilityFlags: sps.compatibilityFlags))
            _ = HEVCNaming.levelName(sps.levelIDC)
        }
    case 6:
        if let header = AV1SequenceHeader.parse(payload: body) {
            require((1...65536).contains(header.maxFrameWidth) && (1...65536).contains(header.maxFrameHeight), "AV1 size \(header.maxFrameWidth)x\(header.maxFrameHeight)")
            require([8, 10, 12].contains(header.bitDepth), "AV1 bit depth \(header.bitDepth)")
            require(header.profile < 8, "AV1 profile \(header.profile)")
            _ = AV1CodecConfigurationRecord.levelName(header.levelIndex)
        }
    case 7:
        if let size = VPFrameHeader.vp9KeyFrameSize(body) {
            require((1...65536).contains(size.width) && (1...65536).contains(size.height), "VP9 size \(size)")
        }
    default:
        if let size = VPFrameHeader.vp8KeyFrameSize(body) {
            require((1...0x3FFF).contains(size.width) && (1...0x3FFF).contains(size.height), "VP8 size \(size)")
        }
    }
}

// MARK: - audio-config

@Sendable func fuzzAudioConfig(_ input: [UInt8]) {
    guard let selector = input.first else { return }
    let body = Array(input.dropFirst())
    switch selector % 5 {
    case 0:
        if let config = AudioSpecificConfig.parse(body) {
            require(config.audioObjectType > 0, "object type \(config.audioObjectType)")
            require(!config.psPresent || config.sbrPresent, "PS without SBR")
            checkAudioConfig(config.audioConfig)
        }
    case 1:
        if let header = OpusHeader.parse(ByteBuffer(bytes: body)) {
            require((1...255).contains(header.channels), "Opus channels \(header.channels)")
            checkAudioConfig(header.audioConfig)
        }
    case 2:
        if let info = FLACStreamInfo.parse(ByteBuffer(bytes: body)) {
            require((1...0xF_FFFF).contains(info.sampleRate), "FLAC rate \(info.sampleRate)")
            require((1...8).contains(info.channels) && (1...32).contains(info.bitsPerSample), "FLAC \(info)")
            checkAudioConfig(info.audioConfig)
        }
    case 3:
        if let header = MPEGAudioFrameHeader.parse(body) {
            let rates = [44100, 48000, 32000, 22050, 24000, 16000, 11025, 12000, 8000]
            require(rates.contains(header.sampleRate), "MPEG rate \(header.sampleRate)")
            require((1...3).contains(header.layer) && (1...2).contains(header.channels), "MPEG \(header)")
            require(!header.profileName.isEmpty, "empty MPEG profile")
        }
    default:
        if let frame = DolbyAudioSyncFrame.parse(body) {
            require([48000, 44100, 32000, 24000, 22050, 16000].contains(frame.sampleRate), "Dolby rate \(frame.sampleRate)")
            require((1...6).contains(frame.channels), "Dolby channels \(frame.channels)")
            checkAudioConfig(frame.audioConfig)
        }
    }
}
