/// Where a message was said: privately to the bot, or in a channel / room.
public enum Place: Hashable, Sendable {
    case direct
    case channel(String)
}

/// One message a transport received, already attributed to an identity.
///
/// User text is cleaned here, where it enters the core (issue: "Promises that hold at every
/// seam"): the name becomes a `DisplayText`, and the text loses control characters,
/// formatting and line breaks (a multi-line message reads as one line).
public struct IncomingMessage: Sendable {
    public var sender: Identity
    /// The nick or display name to address the sender by.
    public var name: DisplayText
    public var displayName: String {
        get { name.value }
        set { name = DisplayText(newValue) }
    }
    public var place: Place
    public var text: String {
        didSet { if text != oldValue { text = ChatText.plain(text) } }
    }
    /// `/me` (CTCP ACTION or `m.emote`).
    public var isAction: Bool
    /// False for a sender the network did not vouch for (a nick without its account): they
    /// may ask, not opt in.
    public var verified: Bool
    /// The bot's current nick on this network, for addressing (`liaison: ask x`).
    public var botNick: String
    /// The transport says the message mentions the bot (its own mention markup).
    public var mentionsBot: Bool
    /// `questions` (natural language too) or `commands` only, from the network's `listen`.
    public var listensToQuestions: Bool
    /// The network's id for the message (an event ID): it is handled at most once.
    public var eventID: String?

    public init(sender: Identity, displayName: String, place: Place, text: String, isAction: Bool = false,
                verified: Bool = true, botNick: String, mentionsBot: Bool = false, listensToQuestions: Bool = true,
                eventID: String? = nil) {
        self.sender = sender
        self.name = DisplayText(displayName)
        // A channel or room name is shown in offers and introductions: it carries no control
        // character either (a real one never has one, so replies still find it).
        if case .channel(let channel) = place, channel.unicodeScalars.contains(where: DisplayText.isControl) {
            self.place = .channel(String(String.UnicodeScalarView(channel.unicodeScalars.filter { !DisplayText.isControl($0) })))
        } else {
            self.place = place
        }
        self.text = ChatText.plain(text)
        self.isAction = isAction
        self.verified = verified
        self.botNick = botNick
        self.mentionsBot = mentionsBot
        self.listensToQuestions = listensToQuestions
        self.eventID = eventID
    }

    public var network: String { sender.network }
}
