/// Open requests by the words that could match them (SPEC §3.6, issue 13): when a member
/// adds a topic, only the open requests that `MatchIndex.mayMatch` could let through are read,
/// not every open request, so `expertise add` costs the same with 10 open requests or 10,000.
///
/// Each request is entered with its query's reach (`MatchIndex.reach`): its stems, related
/// words and compound keys by text, and its typo-tolerant forms in a deletion-neighbourhood
/// table of their own (`TypoIndex`). A lookup with a topic's words gives every request
/// `mayMatch` is true for (and perhaps some more, or some since closed or expired): the
/// caller reads those and checks each as before. Entries are never removed one by one: the
/// index is built again from the open requests once as many requests were entered since the
/// last build as were open then (plus a margin), so it holds O(open requests).
struct StandingRequests {
    /// The `MatchIndex.reachGeneration` the entries were made with.
    let generation: Int
    /// Every open request with an id up to this one is in.
    private(set) var through: Int64 = 0
    private var exact: [String: [Int64]] = [:]
    private var forms = Vocabulary()
    private var typo = TypoIndex()
    private var formRequests: [[Int64]] = []
    /// Requests entered, and how many were entered by the build.
    private(set) var entered = 0
    private var enteredAtBuild = 0

    init(generation: Int) {
        self.generation = generation
    }

    /// Past this, building the index again from the open requests costs no more than the
    /// entries made since did.
    var isDueForRebuild: Bool { entered > 2 * enteredAtBuild + 1_000 }

    /// Every request up to `id` has been read (those not open were passed over).
    mutating func caughtUp(through id: Int64) {
        through = max(through, id)
    }

    /// Marks the end of the build: the requests entered so far were the open ones.
    mutating func built() {
        enteredAtBuild = entered
    }

    /// Enters a request (ids in increasing order) with its query's reach.
    mutating func enter(_ id: Int64, reach: QueryReach) {
        through = max(through, id)
        entered += 1
        for term in reach.exact { exact[term, default: []].append(id) }
        for (form, _) in reach.typos {
            var text = form
            let term = text.withUTF8 { forms.intern($0).id }
            if Int(term) >= formRequests.count {
                formRequests.append(contentsOf: repeatElement([], count: Int(term) + 1 - formRequests.count))
            }
            if formRequests[Int(term)].last != id { formRequests[Int(term)].append(id) }
            typo.add(term)
        }
    }

    /// Every entered request whose reach meets a word of one of `topics` the way `mayMatch`
    /// looks: as a stem, a compound key, or a typo form within its allowance of edits.
    mutating func candidates(for topics: [TopicAnalysis]) -> Set<Int64> {
        var found = Set<Int64>()
        typo.prepare(forms)
        for topic in topics {
            for word in topic.words { found.formUnion(exact[word.stem] ?? []) }
            for key in topic.compounds.keys { found.formUnion(exact[key] ?? []) }
            for word in topic.words {
                for form in Set([word.stem, word.surface]) where TopicAnalysis.isTypoCandidate(form) {
                    // The most a query form allows is 2 edits; each is checked with its own.
                    var checked = Set<Int32>()
                    typo.candidates(form, limit: 2) { term in
                        guard checked.insert(term).inserted else { return }
                        let query = forms[term]
                        guard EditDistance.within(query, form, limit: EditDistance.allowance(forLength: query.count)) != nil
                        else { return }
                        found.formUnion(formRequests[Int(term)])
                    }
                }
            }
        }
        return found
    }
}
