/// One chat command: its name, its help text and what it does.
public struct ChatCommand: Sendable {
    public let name: String
    public let aliases: [String]
    public let usage: String
    public let summary: String
    /// Only `ask` and `help` are answered in a channel; the rest privately (SPEC §2).
    public let answeredInChannel: Bool
    public let admin: Bool
    let run: @Sendable (String, CommandContext) throws -> Void

    init(_ name: String, aliases: [String] = [], usage: String, summary: String,
         answeredInChannel: Bool = false, admin: Bool = false,
         run: @escaping @Sendable (String, CommandContext) throws -> Void) {
        self.name = name
        self.aliases = aliases
        self.usage = usage
        self.summary = summary
        self.answeredInChannel = answeredInChannel
        self.admin = admin
        self.run = run
    }
}

/// Every command, in the order `help` lists them.
public enum CommandCatalog {
    public static let all: [ChatCommand] = [
        help, topics, optin, optout, expertise, know, ask, requests, cancel, accept, decline, yes, no,
        away, back, prefs, block, unblock, thanks, mydata, forget, link, unlink, admin,
    ]

    public static func find(_ name: String) -> ChatCommand? {
        all.first { $0.name == name || $0.aliases.contains(name) }
    }
}
