import LiaisonIRCProtocol
public import LiaisonCore

extension NetworkProfile {
    /// An IRC network as the core speaks of it: "carol on IRC (libera)", reached by /msg.
    /// With `identity = nick` a nick is whoever holds it, so nothing there is linked. Nicks
    /// fold by RFC 1459 until the server's CASEMAPPING says otherwise.
    public static func irc(network: String, nickIdentity: Bool) -> NetworkProfile {
        NetworkProfile(network: network,
                       person: { name, _ in "\(name) on IRC (\(network))" },
                       reach: { name, _ in "send \"/msg \(name)\" on IRC (\(network))" },
                       spoofable: nickIdentity,
                       linkableIdentity: nickIdentity ? nil : "a services account on IRC",
                       fold: { IRCCasemapping.rfc1459.fold($0) })
    }
}
