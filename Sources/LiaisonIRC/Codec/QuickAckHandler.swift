import NIOCore

/// Acknowledges every read at once (Linux TCP_QUICKACK, which the kernel resets after use).
/// Servers that leave Nagle on hold their next line until our ACK; with echo-message they
/// always have a line in flight to us, so a delayed ACK would add ~40 ms to every reply.
final class QuickAckHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    func channelReadComplete(context: ChannelHandlerContext) {
        #if os(Linux)
        let option = ChannelOptions.Types.SocketOption(level: .tcp, name: NIOBSDSocket.Option(rawValue: 12)) // TCP_QUICKACK
        context.channel.setOption(option, value: 1).whenFailure { _ in }
        #endif
        context.fireChannelReadComplete()
    }
}
