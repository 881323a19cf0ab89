extension CommandCatalog {
    static let help = ChatCommand(
        "help", usage: "help [COMMAND]", summary: "list the commands, or show how to use one",
        answeredInChannel: true
    ) { args, ctx in
        let name = args.split(separator: " ").first.map { $0.lowercased() } ?? ""
        if name.isEmpty {
            // Linking joins identities on two networks: with one network there is nothing to link.
            let linking = ctx.broker.networks.count > 1
            let names = all.filter { !$0.admin && $0.name != "yes" && $0.name != "no" && (linking || !["link", "unlink"].contains($0.name)) }
                .map(\.name)
            var text = "Commands: \(names.joined(separator: ", ")). Type \"help COMMAND\" for one of them."
            if !ctx.replyPrivately {
                text += " Ask here with \"\(ctx.settings.prefix)ask TOPIC\" or \"who knows about TOPIC?\"; everything else works in a private message."
            }
            if ctx.broker.isAdmin(ctx.member) { text += " Admins: \"help admin\"." }
            try ctx.reply(text)
            return
        }
        guard let command = find(name) else {
            throw Refusal("There is no command \"\(String(name.prefix(40)))\"; type \"help\" for the list.")
        }
        if command.admin {
            try ctx.reply(AdminCommands.helpText)
        } else {
            try ctx.reply("\(command.usage): \(command.summary).")
        }
    }
}
