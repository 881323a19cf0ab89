/// The words and phrases request detection knows. Kept together so the accepted forms can
/// be read (and extended) in one place.
enum RequestPhrases {
    /// The forms of SPEC §2, plus a few natural neighbours (someone/somebody, "here",
    /// "who is an expert on", "anyone with experience in", "anyone good at", "I need
    /// someone who knows"). X, the topic, follows the match.
    static let requests = WordPatterns(requestForms + declarativeForms)
    private static let requestForms = [
        "who H? knows|know",
        "who can|could H? help|assist me|us? out? with",
        "who H? can|could help|assist me|us? out? with",
        "who is an|a expert|specialist|guru on|in|with|at|for",
        "does|do S H? know|knows",
        "does|do S H? know|knows anyone|anybody|someone|somebody who|that knows|know",
        "does|do S H? have experience with|in",
        "S H? know|knows",
        "S H? know|knows anyone|anybody|someone|somebody who|that knows|know",
        "is|are S H? familiar with",
        "S H? familiar with",
        "is|are S H? good with|at",
        "S H? good with|at",
        "S H? has|have experience with|in",
        "S H? with experience in|with",
        "is|are there S H? who|that knows|know",
        "is|are there S H? who|that is|are familiar with",
        "is|are there S H? familiar with",
        "can|could|would S H? help|assist me|us? out? with",
        "is|are? S H? able to help|assist me|us? out? with",
        "has|have S H? worked|dealt with",
        "has|have S H? any? experience with|in",
        "is|are there an|a|any expert|experts|specialist|specialists H? on|in|for|with",
        "any expert|experts|specialist|specialists H? on|in|for|with",
        // The other ways people ask for a person (issue 12).
        "who H? knows|know how to",
        "does|do S H? know|knows how to",
        "S H? know|knows how to",
        "does|do S H? know|knows of? a|an|any good|decent|reliable|great|trustworthy",
        "S H? know|knows of? a|an|any good|decent|reliable|great|trustworthy",
        "S H? has|have|got any? experience with|in",
        "has|have S H? got any? experience with|in",
        "does|do S H? have any? experience with|in",
        "any of you has|have|got any? experience with|in",
        "who H? has|have any? experience with|in",
        "S H? has|have|got any? tips|advice for|on|about",
        "who can|could teach me how? to?",
        "can|could S H? teach me how? to?",
        "S H? who|that can|could teach me how? to?",
        "who can|could give me some|any? advice|tips on|about|with|for",
        "can|could S H? give me some|any? advice|tips on|about|with|for",
        "is|are? S H? able to give me? some|any? advice|tips on|about|with|for",
        "any advice|tips on|about|with|for",
        "who can|could explain",
        "who H? is good at|with",
        "is|are there S H? who|that is|are good at|with",
        "is|are? S H? into",
        "can|could|would S H? recommend a|an|any good|decent|reliable|great|trustworthy",
        "who can|could recommend a|an|any good|decent|reliable|great|trustworthy",
        "does|do S here|around do|practice|practise",
        "S here|around do|does|practice|practise",
        // Heard in field trials of the chat set's second batch.
        "is|are there S H? who|that can|could help|assist me|us? out? with",
        "is|are there S H? who|that has|have any? experience with|in",
        "is|are there S H? who|that can|could give me? some|any? advice|tips on|about|with|for",
        "can|could S H? explain",
        // "/me wonders if anyone is familiar with Japanese?"
        "S H? is|are familiar with",
        "S H? is|are good with|at",
        "does|do S H? speak",
        "S H? speak|speaks",
        "any recommendations|suggestions|pointers for|on|about",
        // Heard in a field probe of experience asked after (issue 12).
        "S H? who|that knows|know",
        "S H? experienced with|in|at",
        "is|are S H? experienced with|in|at",
        "is|are there S H? experienced with|in|at",
        "S H? who|that is|are experienced with|in|at",
        "S H? with a|some|any? background|experience|expertise|knowledge|training in|with|of|on",
        "is|are there S H? with a|some|any? background|experience|expertise|knowledge|training in|with|of|on",
        // A second field probe: pointers to a person, whom to ask, other verbs of knowing.
        "can|could S H? point me|us to S who|that knows|know",
        "where can|could i|we find S who|that knows|know",
        "does|do S H? understand",
        "S H? understand|understands",
        "S H? knowledgeable about|in|on",
        "is|are S H? knowledgeable about|in|on",
        "is|are there S H? knowledgeable about|in|on",
        "S H? who|that can|could help|assist me|us? out? with",
        "is|are there S i|we can|could ask about",
        "who can|could|should|do|would i|we ask about",
        "who is the person|one|guy to ask about",
        "who would|might H? know|knows",
        "S H? an|a expert|specialist|guru on|in|with|at|for",
        "is|are S H? an|a expert|specialist|guru on|in|with|at|for",
        "do|does any of you H? know|knows",
        "any of you H? know|knows",
        "are|is? any of you H? into",
        "are|is? any of you H? familiar|experienced with|in",
        "are|is? any of you H? good at|with",
        "are|is? any of you H? knowledgeable about|in|on",
        "who H? is|are familiar|experienced with|in",
        "who H? is|are knowledgeable about|in|on",
        "does|do S H? have any|some? knowledge|experience|expertise of|about|in|with|on",
        "can|could|would S who|that knows|know",
    ]

    /// Requests that say what they want without asking: "looking for someone who knows
    /// about immigration law" needs no "?".
    static let declarative = WordPatterns(declarativeForms)
    private static let declarativeForms = [
        "i|we? am|are|is? looking|searching for S who|that knows|know",
        "i|we? am|are|is? looking|searching for S familiar with",
        "i|we? am|are|is? looking|searching for S with experience in|with",
        "i|we? am|are|is? looking|searching for an|a expert|specialist on|in|with|for",
        "i|we? need|want S who|that knows|know",
        "i|we? am|are|is? looking|searching for help|advice with|on",
        "i|we? need|want some? help|advice with|on",
        "i|we? could use some|a? help|advice with|on",
    ]

    /// For an explicit `ask TEXT`: the request forms and extra ones, where the words around
    /// the topic are chattier.
    static let askForms = WordPatterns(requestForms + declarativeForms + [
        "S|expert|experts|specialist H? who|that knows|know",
        "an|a? expert|experts|specialist|guru on|in|with|for|at",
        "S H? who|that is|are familiar with",
        "S H? who|that has|have experience with|in",
        "S H? who|that is|are good with|at",
        "S H? who|that can|could help|assist me|us? with",
        "S H? to help|assist me|us? with",
        "S for",
        "help|assist me|us? with",
        "an|a? intro|introduction to S who|that knows|know",
        "introduce me|us to S who|that knows|know",
    ])

    /// "any X experts (here)": the prefix before X, and the words that may end it.
    static let expertsPrefixes = WordPatterns(["any", "are|is there any?", "do|does we|you|yall|y'all have any", "got any"])
    /// "is anyone here a nurse?": the prefix before one person noun that names what they do.
    static let personPrefixes = WordPatterns(["is|are S H? a|an", "is|are there a|an"])
    static let expertWords: Set<String> = ["expert", "experts", "specialist", "specialists", "guru", "gurus"]
    /// "anyone with first aid training around?", "does anyone have docker experience?": the
    /// prefix before X, which a word for having done it (`skillWords`) must end.
    static let skillPrefixes = WordPatterns([
        "S H? with", "is|are there S H? with", "does|do S H? have", "S H? has|have|got", "has|have S H? got",
        "who H? has|have|got",
    ])
    /// "looking for a plumber", "need a translator, anyone?": the prefix before one noun for a
    /// person by their work (`Lexicon.isOccupation`).
    static let occupationPrefixes = WordPatterns([
        "i|we? am|are|is? looking|searching for a|an", "i|we? need|want a|an",
    ])
    static let skillWords: Set<String> = ["experience", "expertise", "knowledge", "training", "background", "skills"]
    /// "has anyone here done a marathon before?", "who has used docker before?": the prefix
    /// before X, which "before" must end (without it, "has anyone done the homework?" asks a fact).
    static let donePrefixes = WordPatterns([
        "has|have S H? done|tried|used|run|built|taught", "has|have S H? ever done|tried|used|run|built|taught",
        "who H? has|have done|tried|used|run|built|taught", "who H? has|have ever done|tried|used|run|built|taught",
    ])
    /// "any python people here?": words for people that X qualifies, dropped from the topic.
    static let peopleWords: Set<String> = [
        "people", "folks", "folk", "peeps", "users", "fans", "nerds", "geeks", "pros", "enthusiasts", "buffs",
        "heads", "nuts", "person", "types",
    ]
    /// "any beekeepers here?": a plural of people alone must be followed by one of these.
    static let places: [[String]] = [
        ["here"], ["around"], ["in", "here"], ["in", "the", "room"], ["in", "chat"], ["in", "this", "channel"],
        ["in", "this", "room"], ["on", "here"], ["around", "here"],
    ]
    /// Plurals of people that name no skill: "any volunteers here?".
    static let plainPeople: Set<String> = [
        "others", "members", "volunteers", "takers", "players", "viewers", "listeners", "lurkers", "admins", "mods",
        "moderators", "humans", "adults", "kids", "women", "men", "guys", "girls", "boys", "friends", "newbies",
        "newcomers", "strangers", "locals", "americans", "europeans", "brits", "regulars", "bots", "owners",
        "parents", "mums", "moms", "dads", "students", "teachers", "winners", "losers", "workers", "employees",
        "customers", "subscribers", "followers", "readers", "writers", "speakers", "singles", "survivors",
    ]

    /// Plain people words that a skill may qualify: "any german speakers here?", "any chess
    /// players?" (but "any single parents?" asks for no skill).
    static let skillPeople: Set<String> = ["speakers", "players", "teachers", "writers", "readers", "owners", "drivers", "riders"]

    /// Not a skill before a plain people word: "any other players here?", "any new speakers?".
    static let notQualifiers: Set<String> = [
        "other", "more", "new", "old", "young", "real", "fellow", "actual", "live", "online", "active", "human",
    ]

    /// Openers skipped before a request: "hey, quick question: does anyone know X?",
    /// "/me wonders if anyone knows X".
    static let openers = WordPatterns([
        "hey|hi|hello|hiya|heya|howdy|yo|ok|okay|so|well|um|umm|uh|hmm|hmmm|hm|oh|ah|btw|also|and|but",
        "sorry|question|q|please|pls|plz|morning|evening|greetings|sup|ps",
        "quick|random|dumb|stupid|silly|general|weird|odd|next question|one",
        "sorry to bother|interrupt", "long shot", "anyway|anyways",
        "real quick", "out of curiosity", "by any chance", "just? curious",
        "good morning|afternoon|evening",
        "i? am|was|is? just? wonder|wonders|wondering if|whether?",
        // "/me asks around: does anyone know X?"
        "asks|ask around?",
    ])

    /// Words addressing the room, skipped after an opener ("hey all") or when punctuated
    /// ("folks, who knows X?").
    static let audience: Set<String> = [
        "all", "everyone", "everybody", "folks", "guys", "people", "yall", "y'all", "team", "friends",
        "there", "peeps", "gang", "chat", "fellas",
    ]

    /// Skipped only when punctuated: "anyone? who knows X?" (unpunctuated they start a request).
    static let punctuatedAudience: Set<String> = ["anyone", "anybody", "someone", "somebody"]

    /// Laughter: after a question it makes the question a joke.
    static let laughter: Set<String> = ["lol", "lmao", "lmfao", "rofl", "haha", "hahaha", "hehe", "jk", "xd", "kek"]

    /// Words at the end of a line that do not stop it from "ending with ?":
    /// "who knows about rust? thanks!".
    static let politeEndings: [[String]] = [
        ["thanks"], ["thx"], ["ty"], ["tia"], ["cheers"], ["please"], ["pls"], ["plz"], ["lol"],
        ["thank", "you"], ["thanks", "in", "advance"], ["in", "advance"],
    ]

    /// Removed from the end of a topic.
    static let topicEndings: [[String]] = politeEndings + [
        ["here"], ["around"], ["at", "all"], ["anyone"], ["anybody"], ["someone"], ["somebody"],
        ["guys"], ["folks"], ["all"], ["everyone"], ["in", "here"], ["on", "here"], ["out", "there"],
        ["right", "now"], ["atm"], ["perhaps"], ["maybe"], ["well"], ["really"], ["if", "possible"],
        ["if", "any"], ["if", "anyone"], ["too"], ["either"], ["stuff"], ["things"], ["online"],
        ["by", "any", "chance"], ["in", "this", "channel"], ["in", "this", "room"], ["on", "this", "channel"],
        ["to", "me"], ["in", "the", "room"], ["in", "chat"], ["around", "here"], ["for", "me"],
        // "can someone who knows python help me?"
        ["help", "me"], ["help", "us"], ["help", "me", "out"], ["help", "out"],
    ]

    /// Removed from the start of a topic.
    static let topicOpenings: [[String]] = [
        ["about"], ["anything", "about"], ["something", "about"], ["much", "about"], ["a", "lot", "about"],
        ["a", "bit", "about"], ["a", "thing", "about"], ["more", "about"], ["anything", "on"], ["abt"], ["bout"],
        ["anything", "abt"],
        ["anything", "regarding"], ["anything", "re"], ["regarding"], ["re"], ["of"],
    ]

    /// Removed from the start of a topic when more words follow: what the asker hopes for,
    /// not what it is about ("a good pizza place", "the best way to learn car maintenance",
    /// "learning piano").
    static let qualityOpenings: [[String]] = [
        ["good"], ["best"], ["decent"], ["reliable"], ["great"], ["trustworthy"], ["cheap"], ["affordable"],
        ["way", "to", "learn"], ["ways", "to", "learn"], ["place", "to", "learn"],
        ["learning"], ["learning", "to"], ["learn"], ["learn", "to"], ["get", "into"], ["getting", "into"],
        ["getting", "started", "with"], ["started", "with"], ["starting", "with"], ["resources", "for"],
        ["recommendations", "for"], ["tips", "for"], ["tips", "on"], ["advice", "on"], ["help", "with"],
    ]

    /// A topic ends before these, once it has a word: they say whom or where it is for
    /// ("camping spot near the lake", "piano as an adult", "knife skills for beginners").
    static let qualifiers: [[String]] = [
        ["near"], ["nearby"], ["close", "to"], ["as", "a"], ["as", "an"], ["for", "beginners"], ["for", "a", "beginner"],
        ["for", "kids"], ["for", "dummies"], ["for", "my"], ["for", "our"], ["for", "me"], ["for", "us"],
        ["for", "someone"], ["in", "my"], ["in", "our"], ["in", "town"], ["in", "the", "area"], ["around", "here"],
        ["on", "a", "budget"],
    ]

    /// Removed from the end of a topic when more words come before: what kind of answer is
    /// wanted, not what about ("pizza place", "camping spot", "pizza oven brands", "rust
    /// programming language").
    static let genericHeads: [[String]] = [
        ["place"], ["places"], ["spot"], ["spots"], ["brand"], ["brands"], ["recommendation"], ["recommendations"],
        ["tips"], ["resources"], ["options"], ["programming", "language"], ["programming", "languages"],
    ]

    /// After "the", these name one particular thing, a fact or an event rather than a skill:
    /// "has anyone used the new printer before?", "is anyone into the latest season?".
    static let particular: Set<String> = ["new", "latest", "last", "next", "upcoming", "current", "recent", "same", "other"]

    /// Removed from the start of a topic when more words follow ("my tax return"). Not "this"
    /// or "these": "does anyone understand this error?" points at a thing in front of the
    /// asker, a fact, not a skill (`notTopicStarts` has them).
    static let determiners: Set<String> = ["a", "an", "the", "some", "my", "our", "any"]

    /// A topic starting with one of these is a question about a fact, or a how-to, not a
    /// topic: "does anyone know if the meeting is today?", "anyone know how to exit vim?".
    static let notTopicStarts: Set<String> = [
        "if", "whether", "when", "where", "why", "how", "what", "who", "whom", "whose", "which",
        "what's", "whats", "where's", "wheres", "how's", "hows", "when's", "whens", "who's", "whos",
        "why's", "wat", "i", "me", "you", "u", "he", "him", "she", "her", "it", "it's", "its", "we",
        "us", "they", "them", "that", "those", "there", "this", "these", "anything", "something",
        "everything", "nothing", "anyone", "anybody", "someone", "somebody", "everyone",
        "everybody", "nobody", "whatever", "yourself", "myself", "yes", "no", "to", "up",
    ]

    /// A topic cannot end on these: "any updates from the experts?" is not about "updates from the".
    static let notTopicEnds: Set<String> = [
        "the", "a", "an", "of", "to", "for", "with", "in", "on", "at", "from", "by", "my", "your",
        "our", "their", "and", "or", "is", "are",
    ]

    /// More words than this and the line is not a request for one topic.
    static let maxTopicWords = 12
}
