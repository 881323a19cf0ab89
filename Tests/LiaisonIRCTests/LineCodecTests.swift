import NIOCore
import Testing
@testable import LiaisonIRC

@Suite struct LineCodecTests {
    func decodeAll(_ bytes: [UInt8], max: Int = IRCLineDecoder.defaultMaxLength) throws -> [String] {
        var decoder = IRCLineDecoder(maxLength: max)
        var buffer = ByteBuffer(bytes: bytes)
        var out: [String] = []
        while let line = try decoder.decode(buffer: &buffer) { out.append(line) }
        return out
    }

    @Test func crlfBareLfAndEmptyLines() throws {
        #expect(try decodeAll(Array("PING :a\r\nPING :b\n\r\n\nPING :c\r\n".utf8)) == ["PING :a", "PING :b", "PING :c"])
    }

    @Test func aLineCutOffByADisconnectIsNotALine() throws {
        #expect(try decodeAll(Array("PING :a\r\nPRIVMSG #x :half".utf8)) == ["PING :a"])
    }

    @Test func overLongLinesAreDroppedWithoutBufferingThem() throws {
        var decoder = IRCLineDecoder(maxLength: 100)
        var buffer = ByteBuffer(bytes: Array(repeating: UInt8(ascii: "x"), count: 150))
        #expect(try decoder.decode(buffer: &buffer) == nil)
        #expect(buffer.readableBytes == 0, "nothing of an over-long line is kept")
        buffer.writeBytes(Array("more\r\nPING :ok\r\n".utf8))
        #expect(try decoder.decode(buffer: &buffer) == "PING :ok")
        #expect(decoder.dropped == 1)
    }

    @Test func invalidUTF8BecomesReplacementCharacters() throws {
        let lines = try decodeAll([0x50, 0x49, 0x4E, 0x47, 0x20, 0xFF, 0xFE, 0x0A])
        #expect(lines == ["PING \u{FFFD}\u{FFFD}"])
    }

    @Test func theEncoderNeverWritesCRLFOrNULFromTheText() throws {
        var out = ByteBuffer()
        try IRCLineEncoder().encode(data: "PRIVMSG #x :a\r\nQUIT :b\u{0}c", out: &out)
        #expect(String(buffer: out) == "PRIVMSG #x :aQUIT :bc\r\n")
    }
}
