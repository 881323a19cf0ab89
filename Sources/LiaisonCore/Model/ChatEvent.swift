/// Where a message was said: privately to the bot, or in a channel / room.
public enum Place: Hashable, Sendable {
    case direct
    case channel(String)
}

/// One message a transport received, already attributed to an identity.
public struct IncomingMessage: Sendable {
    public var sender: Identity
    /// The nick or display name to address the sender by.
    public var displayName: String
    public var place: Place
    public var text: String
    /// `/me` (CTCP ACTION or `m.emote`).
    public var isAction: Bool
    /// False for an IRC user without a services account: they may ask, not opt in.
    public var verified: Bool
    /// The bot's current nick on this network, for addressing (`liaison: ask x`).
    public var botNick: String
    /// The transport says the message mentions the bot (Matrix `m.mentions`).
    public var mentionsBot: Bool
    /// `questions` (natural language too) or `commands` only, from the network's `listen`.
    public var listensToQuestions: Bool
    /// The network's id for the message (Matrix event ID): it is handled at most once.
    public var eventID: String?

    public init(sender: Identity, displayName: String, place: Place, text: String, isAction: Bool = false,
                verified: Bool = true, botNick: String, mentionsBot: Bool = false, listensToQuestions: Bool = true,
                eventID: String? = nil) {
        self.sender = sender
        self.displayName = displayName
        self.place = place
        self.text = text
        self.isAction = isAction
        self.verified = verified
        self.botNick = botNick
        self.mentionsBot = mentionsBot
        self.listensToQuestions = listensToQuestions
        self.eventID = eventID
    }

    public var network: String { sender.network }
}
