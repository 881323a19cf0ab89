/// Words that carry no topic: function words, and the words people wrap a request in
/// ("anyone", "expert", "stuff"). Folded forms, compared before stemming.
///
/// Kept short on purpose: every word here can never be matched, so a word that is
/// sometimes a topic ("help" in "help desk", "time" in "time management") stays out.
enum StopWords {
    static func contains(_ word: String) -> Bool { words.contains(word) }

    /// Stop words that are also common acronyms (IT, US, WHO, OR, CAN bus): kept when
    /// written in capitals in text that is not all capitals.
    static func isAcronym(_ word: String) -> Bool { acronyms.contains(word) }

    private static let acronyms: Set<String> = ["it", "us", "who", "or", "can"]

    private static let words: Set<String> = [
        // articles, pronouns, determiners
        "a", "an", "the", "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "you", "your",
        "yours", "he", "him", "his", "she", "her", "hers", "it", "its", "they", "them", "their",
        "this", "that", "these", "those", "some", "any", "all", "each", "every", "other", "such",
        "own", "same", "both", "few", "more", "most", "much", "many", "lot", "lots",
        // prepositions and conjunctions
        "about", "above", "across", "after", "against", "along", "among", "around", "at", "before",
        "behind", "below", "beside", "between", "beyond", "by", "during", "except", "for", "from",
        "in", "inside", "into", "like", "near", "of", "off", "on", "onto", "out", "over", "per",
        "regarding", "re", "since", "than", "through", "thru", "to", "toward", "towards", "under",
        "until", "up", "upon", "via", "with", "within", "without", "and", "or", "nor", "but", "so",
        "if", "then", "else", "because", "as", "while", "whether", "vs", "versus", "etc",
        // auxiliaries and very common verbs
        "am", "is", "are", "was", "were", "be", "been", "being", "do", "does", "did", "doing",
        "done", "have", "has", "had", "having", "can", "could", "will", "would", "shall", "should",
        "may", "might", "must", "get", "gets", "got", "know", "knows", "knew", "known",
        "dont", "doesnt", "didnt", "cant", "wont", "isnt", "arent", "im", "ive", "youre", "whats",
        // question words
        "what", "when", "where", "which", "who", "whom", "whose", "why", "how",
        // request wrapping and vague nouns
        "anyone", "anybody", "someone", "somebody", "something", "anything", "everything",
        "nothing", "everyone", "everybody", "expert", "experts", "expertise", "stuff", "thing",
        "things", "here", "there", "please", "pls", "plz", "thanks", "thank", "thx", "also",
        "just", "very", "really", "too", "not", "no", "yes", "ok", "okay",
    ]
}
