public import Foundation

/// The introduction broker: turns one chat event (or the passing of time) into state changes
/// and outgoing messages, committed together in one store transaction (SPEC §3, §4).
///
/// Not thread-safe: the owner serialises calls (the app runs it inside one actor).
public final class Broker {
    public private(set) var settings: BrokerSettings
    public let store: any Store
    /// The in-memory expertise index (SPEC §5), rebuilt from the store at start-up.
    public private(set) var index: MatchIndex
    /// Networks this process runs, for `admin join` without a NETWORK.
    public var networks: [String]
    /// Re-reads bot.conf for `admin reload`: the new settings, a summary line, and channels
    /// newly configured (to join now). It must not touch the store (it runs in a transaction).
    public var reloader: (() throws -> (settings: BrokerSettings, summary: String, joins: [(network: String, channel: String)]))?
    /// Called for every admin action, refusal of an admin command and internal error.
    public var log: (String) -> Void = { _ in }
    /// Told each lifecycle step once it is committed (metrics).
    public var observe: ([BrokerEvent]) -> Void = { _ in }

    /// The last `topics` reply, reused while the directory is unchanged (see TopicsCommand).
    var topicsListing: TopicsListing?
    /// Index changes of the running transaction, applied only once it commits.
    var pendingIndexChanges: [(MatchIndex) -> Void] = []
    /// Lifecycle steps of the running transaction, reported only once it commits.
    var pendingEvents: [BrokerEvent] = []
    /// `forget` asked, waiting for `forget confirm` (in memory on purpose: a restart cancels it).
    var forgetRequested: [Identity: Date] = [:]
    /// How each network names people, is reached, folds its identities and whether they can
    /// be spoofed, as its transport describes it (`register(_:)`); the console's is built in.
    var profiles: [String: NetworkProfile] = [NetworkName.console: .console]
    /// `link CODE` attempts per identity in the last ten minutes (in memory).
    var linkAttempts: [Identity: [Date]] = [:]
    /// Channels people are in right now on live networks, as transports report them.
    var liveChannels: [Identity: Set<String>] = [:]
    /// Natural-language replies per channel in the last minute (flood control, not state).
    var channelReplies: [String: [Date]] = [:]
    /// Per person: when their current minute of commands began, how many they sent in it,
    /// and whether they were told to slow down (`commands_per_minute`). In memory only.
    var commandBudget: [Identity: (start: Date, count: Int, noticed: Bool)] = [:]
    /// The command running in the current transaction, so a refusal is answered where it would be.
    /// Cleared when the transaction ends (it holds the broker, so it must not outlive it).
    var currentContext: CommandContext?
    /// Open requests by the words that could match them, for `offerStandingRequests`; built
    /// from the store when first needed (nil: not built, or dropped).
    var standing: StandingRequests?
    /// The running transaction read `standing` (which may then hold what it rolls back).
    var standingTouched = false
    /// Channel questions that found nobody while WordNet was still being read, oldest first,
    /// to match again when it arrives (`lexiconArrived`). In memory only, and bounded.
    var heardBeforeLexicon: [HeardQuestion] = []

    /// `lexicon`: the bot passes `.systemWhenLoaded` so that start-up never waits for WordNet;
    /// the default waits for it, so that tests match the same way from the first line.
    public init(settings: BrokerSettings, store: any Store, networks: [String],
                lexicon: MatchIndex.LexiconSource = .given(Lexicon.system)) throws {
        self.settings = settings
        self.store = store
        self.networks = networks
        self.index = MatchIndex(lexicon: lexicon)
        try rebuildIndex()
    }

    /// Indexes the store afresh: after a commit failed, what the index was told of the
    /// failed batch (a topic added, one removed) must not outlive it.
    public func rebuildIndex() throws {
        standing = nil   // built again from the store when next needed
        let fresh = index.emptyCopy()
        try fresh.load(from: store)
        index = fresh
    }

    public func updateSettings(_ settings: BrokerSettings) {
        self.settings = settings
    }

    /// Handles one incoming message: everything it changes and every reply commit together.
    public func handle(_ message: IncomingMessage, now: Date) {
        guard message.sender.network != NetworkName.console
                || message.sender.id != settings.botName.lowercased() else { return }
        perform(replyTo: message, now: now) { tx in
            try self.dispatch(message, tx: tx, now: now)
        }
    }

    /// Runs expiries, follow-ups and ends of `away` that are due. Returns the next due time.
    @discardableResult
    public func runDue(now: Date) -> Date? {
        perform(replyTo: nil, now: now) { tx in try self.processDue(tx: tx, now: now) }
        return try? store.transaction { tx in try tx.nextDueTime() }
    }

    /// One transaction; on a refusal it is rolled back and only the refusal's sentence is sent.
    func perform(replyTo message: IncomingMessage?, now: Date, _ body: (any StoreTransaction) throws -> Void) {
        pendingIndexChanges = []
        pendingEvents = []
        currentContext = nil
        standingTouched = false
        defer { currentContext = nil }
        do {
            try store.transaction { tx in try body(tx) }
            for change in pendingIndexChanges { change(index) }
            if !pendingEvents.isEmpty { observe(pendingEvents) }
            pendingEvents = []
        } catch {
            pendingIndexChanges = []
            pendingEvents = []
            // What it read of requests may be rolled back with it (a request's id reused).
            if standingTouched { standing = nil }
            let sentence: String
            if let userError = error as? any UserFacingError {
                sentence = userError.sentence
            } else {
                log("error: \(error)")
                sentence = "Sorry, something went wrong on my side; nothing was changed."
            }
            guard let message else { return }
            var target = Target.person(message.sender)
            var text = sentence
            if let ctx = currentContext, case .channel = ctx.replyTarget {
                target = ctx.replyTarget
                text = "\(message.displayName): \(sentence)"
            }
            do {
                try store.transaction { tx in
                    try tx.reply([QueuedMessage(OutboxDraft(to: target, text: text, about: [message.sender]))], at: now)
                }
            } catch {
                log("error: could not queue a reply: \(error)")
            }
        }
    }

    func indexChange(_ change: @escaping (MatchIndex) -> Void) {
        pendingIndexChanges.append(change)
    }
}
