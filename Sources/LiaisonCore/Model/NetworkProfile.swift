/// What the core needs to know of a network to speak about it and to trust its identities.
/// Each transport supplies one for every network it serves (`Broker.register(_:)`); the
/// core's sentences name people, and the way to reach them, only through their network's
/// profile, so no sentence in the core knows which protocol a network speaks.
public struct NetworkProfile: Sendable {
    public let network: String
    /// A person as members on any network should read them ("carol (console)").
    public var person: @Sendable (_ name: String, _ id: String) -> String
    /// How someone on another network gets in touch with them ("find carol at the console").
    public var reach: @Sendable (_ name: String, _ id: String) -> String
    /// Its identities can be claimed by whoever takes a name, so they are never linked.
    public var spoofable: Bool
    /// What an identity that may be linked is there, for the refusal that lists them (nil:
    /// left out of that list).
    public var linkableIdentity: String?
    /// An introduction between two of its people gets a room of their own.
    public var roomPerIntroduction: Bool
    /// Folds an identity's id to the network's canonical spelling; transports that learn
    /// their server's case rules later replace it (`Broker.setCanonicalizer`).
    public var fold: @Sendable (String) -> String

    public init(network: String, person: @escaping @Sendable (_ name: String, _ id: String) -> String,
                reach: @escaping @Sendable (_ name: String, _ id: String) -> String,
                spoofable: Bool = false, linkableIdentity: String? = nil, roomPerIntroduction: Bool = false,
                fold: @escaping @Sendable (String) -> String = { $0 }) {
        self.network = network
        self.person = person
        self.reach = reach
        self.spoofable = spoofable
        self.linkableIdentity = linkableIdentity
        self.roomPerIntroduction = roomPerIntroduction
        self.fold = fold
    }

    /// The console, which the core runs itself: names are folded to lower case on entry.
    public static let console = NetworkProfile(
        network: NetworkName.console,
        person: { name, _ in "\(name) (console)" },
        reach: { name, _ in "find \(name) at the console" })

    /// A network no transport in this process describes (an identity linked from a network
    /// that was since removed from bot.conf): named by the network alone.
    public static func unknown(_ network: String) -> NetworkProfile {
        NetworkProfile(network: network,
                       person: { name, _ in "\(name) (\(network))" },
                       reach: { name, _ in "find \(name) on \(network)" })
    }
}
