public import Foundation

/// One `[irc.NAME]` network, with secrets already read (never logged).
public struct IRCClientSettings: Sendable {
    public var network: String
    public var host: String
    public var port: Int
    public var tls: Bool
    public var tlsVerify: Bool
    public var nick: String
    public var user: String
    public var realname: String
    public var sasl: SASLMode
    /// PEM with the client certificate and its key, for `sasl = external`.
    public var clientCertFile: String?
    public var channels: [String]
    /// `identity = nick`: the nick is the identity (networks without services).
    public var identityByNick: Bool
    public var listensToQuestions: Bool
    public var ignore: [String]
    public var floodBurst: Int
    public var floodInterval: TimeInterval
    public var pingTimeout: TimeInterval
    public var version: String
    /// How long a TCP connect may take before it counts as failed.
    public var connectTimeout: TimeInterval = 15

    public init(network: String, host: String, port: Int, tls: Bool, tlsVerify: Bool, nick: String, user: String = "liaison",
                realname: String = "Liaison introduction broker", sasl: SASLMode, clientCertFile: String?, channels: [String],
                identityByNick: Bool, listensToQuestions: Bool, ignore: [String], floodBurst: Int, floodInterval: TimeInterval,
                pingTimeout: TimeInterval, version: String) {
        self.network = network
        self.host = host
        self.port = port
        self.tls = tls
        self.tlsVerify = tlsVerify
        self.nick = nick
        self.user = user
        self.realname = realname
        self.sasl = sasl
        self.clientCertFile = clientCertFile
        self.channels = channels
        self.identityByNick = identityByNick
        self.listensToQuestions = listensToQuestions
        self.ignore = ignore
        self.floodBurst = floodBurst
        self.floodInterval = floodInterval
        self.pingTimeout = pingTimeout
        self.version = version
    }
}
