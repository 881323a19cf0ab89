public import LiaisonCore

extension NetworkProfile {
    /// A Matrix homeserver as the core speaks of it: "Sarah (@sarah:example.org) on Matrix"
    /// (the user ID lets clients make a mention), reached by starting a chat with that ID;
    /// user IDs are checked by the homeserver, and an introduction gets a room of its own.
    public static func matrix(network: String) -> NetworkProfile {
        NetworkProfile(network: network,
                       person: { name, id in name == id ? "\(id) on Matrix" : "\(name) (\(id)) on Matrix" },
                       reach: { _, id in "start a chat with \(id) on Matrix" },
                       linkableIdentity: "a Matrix user ID",
                       roomPerIntroduction: true)
    }
}
