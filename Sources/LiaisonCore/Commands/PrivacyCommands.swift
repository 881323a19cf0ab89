import Foundation

extension CommandCatalog {
    static let mydata = ChatCommand("mydata", usage: "mydata", summary: "everything stored about you") { _, ctx in
        // A linked member is every identity of theirs.
        var rows: [(table: String, row: String)] = []
        for id in [ctx.sender] + (try ctx.tx.linkedIdentities(of: ctx.sender)) { rows += try ctx.tx.dataReferring(to: id) }
        guard !rows.isEmpty else {
            try ctx.reply("I store nothing about you.")
            return
        }
        let lines = rows.map { "\($0.table): \($0.row)" }
        try ctx.reply("Everything stored about \(ctx.sender.raw) (\(Text.plural(rows.count, "row"))):\n" + lines.joined(separator: "\n"))
    }

    static let forgetWindow: TimeInterval = 600

    static let forget = ChatCommand(
        "forget", usage: "forget, then forget confirm", summary: "delete everything stored about you"
    ) { args, ctx in
        let arg = args.trimmingCharacters(in: .whitespaces).lowercased()
        switch arg {
        case "":
            ctx.broker.forgetRequested[ctx.sender] = ctx.now
            try ctx.reply("This deletes your topics, preferences, requests, offers and introductions (they stay only as anonymous counts). Type \"forget confirm\" within 10 minutes to go ahead.")
        case "confirm":
            guard let asked = ctx.broker.forgetRequested[ctx.sender], ctx.now.timeIntervalSince(asked) <= forgetWindow else {
                throw Refusal("Type \"forget\" first, then \"forget confirm\" within 10 minutes.")
            }
            if try ctx.tx.isBanned(ctx.sender) {
                throw Refusal("A banned identity can't use forget; ask an admin.")
            }
            try ctx.broker.erase(ctx.sender, tx: ctx.tx, now: ctx.now)
            ctx.broker.forgetRequested[ctx.sender] = nil
            try ctx.reply("Done: I no longer store anything about you.")
        default:
            throw Refusal("Usage: forget, then forget confirm.")
        }
    }
}

extension Broker {
    /// `forget` and `admin remove`: end what the identity had under way, then delete every row.
    func erase(_ id: Identity, tx: any StoreTransaction, now: Date) throws {
        for request in try tx.requests(of: id, status: .open) {
            try cancel(request, note: "Offer #\(request.id) was withdrawn; no need to answer.", tx: tx, now: now)
        }
        var touched: [Int64] = []
        for var offer in try tx.offers(expert: id, status: .pending) {
            offer.status = .withdrawn
            try tx.saveOffer(offer)
            touched.append(offer.requestID)
        }
        let linked = try tx.linkedIdentities(of: id)
        try tx.forget(id)
        for alias in linked { try tx.forget(alias) }
        indexChange { $0.removeAll(member: id) }
        for requestID in touched {
            if let request = try tx.request(requestID) { try refill(request, tx: tx, now: now) }
        }
    }
}
