public import NIOCore

/// Splits the byte stream into lines: LF or CRLF (a lone CR before LF is dropped). A line
/// longer than `maxLength` is discarded up to its end, so a hostile server cannot make us
/// buffer without bound; invalid UTF-8 becomes U+FFFD instead of failing.
public struct IRCLineDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = String

    /// 8191 bytes of tags plus a 512-byte message, as IRCv3 allows.
    public static let defaultMaxLength = 8191 + 512

    let maxLength: Int
    /// Bytes of an over-long line are being skipped until its end.
    private var discarding = false
    /// Over-long lines dropped, for the log.
    public private(set) var dropped = 0

    public init(maxLength: Int = IRCLineDecoder.defaultMaxLength) {
        self.maxLength = maxLength
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> String? {
        while true {
            let view = buffer.readableBytesView
            guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else {
                if view.count > maxLength {
                    // Keep nothing of a line that is already too long.
                    buffer.moveReaderIndex(forwardBy: view.count)
                    if !discarding { dropped += 1 }
                    discarding = true
                }
                return nil
            }
            let length = newline - view.startIndex
            if discarding || length > maxLength {
                if !discarding { dropped += 1 }
                discarding = false
                buffer.moveReaderIndex(forwardBy: length + 1)
                continue
            }
            var bytes = buffer.readBytes(length: length) ?? []
            buffer.moveReaderIndex(forwardBy: 1)
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            if bytes.isEmpty { continue }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> String? {
        // A line cut off by a disconnect is not a line.
        try decode(buffer: &buffer)
    }
}

/// Writes one line: the text (never containing CR, LF or NUL) plus CRLF.
public struct IRCLineEncoder: MessageToByteEncoder {
    public typealias OutboundIn = String

    public init() {}

    public func encode(data: String, out: inout ByteBuffer) throws {
        for byte in data.utf8 where byte != 0x0D && byte != 0x0A && byte != 0x00 {
            out.writeInteger(byte)
        }
        out.writeStaticString("\r\n")
    }
}
