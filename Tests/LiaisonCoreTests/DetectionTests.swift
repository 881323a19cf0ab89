import Testing
@testable import LiaisonCore

@Suite struct ChatTextTests {
    @Test func removesFormattingCodes() {
        let formatted = "\u{02}bold\u{02} \u{1D}it\u{1D} \u{1F}u\u{1F} \u{1E}s\u{1E} \u{11}m\u{11} \u{16}r\u{16}\u{0F}"
        #expect(ChatText.plain(formatted) == "bold it u s m r")
    }

    @Test func removesColourCodesWithTheirDigits() {
        #expect(ChatText.plain("\u{03}4red\u{03} \u{03}04,12both\u{03} \u{03}plain") == "red both plain")
        // a comma without a background colour stays text; three digits: the third is text
        #expect(ChatText.plain("\u{03}4,x") == ",x")
        #expect(ChatText.plain("\u{03}123") == "3")
        #expect(ChatText.plain("\u{04}FF00aahex\u{04} \u{04}FF00AA,00FF00both") == "hex both")
        #expect(ChatText.plain("\u{04}12x") == "12x")  // not six hex digits: no colour
    }

    @Test func dropsControlCharactersAndCollapsesWhitespace() {
        #expect(ChatText.plain("  a\tb\r\n\nc\u{07}d\u{00}e\u{7F}f   ") == "a b cdef")
        #expect(ChatText.plain("\u{02}\u{0F}") == "")
        #expect(ChatText.plain("café  ☕") == "café ☕")
    }
}

@Suite struct RequestDetectorTests {
    /// Detection reads WordNet only once it is loaded (the bot loads it in the background); wait for it here.
    init() { _ = Lexicon.system }

    private func detect(_ line: String, addressed: Bool = false) -> String? {
        RequestDetector.detect(line, addressed: addressed)
    }

    @Test(arguments: [
        ("who knows about reverse mortgages?", "reverse mortgages"),
        ("Who knows anything about Rust?", "Rust"),
        ("who knows tax law?", "tax law"),
        ("who here knows about Node.js?", "Node.js"),
        ("does anyone know about tax law?", "tax law"),
        ("Does anybody know HECM loans?", "HECM loans"),
        ("does anyone here know anything about kubernetes?", "kubernetes"),
        ("anyone know about rust?", "rust"),
        ("anyone here know jq?", "jq"),
        ("anybody familiar with Terraform?", "Terraform"),
        ("anyone familiar with C++?", "C++"),
        ("anybody here familiar with SAP?", "SAP"),
        ("is there anyone who knows about cycling?", "cycling"),
        ("is there anyone who knows gardening?", "gardening"),
        ("can anyone help me with my tax return?", "tax return"),
        ("can anybody help with docker?", "docker"),
        ("who can help me with rust lifetimes?", "rust lifetimes"),
        ("who can help with accounting?", "accounting"),
        ("looking for someone who knows about SEO?", "SEO"),
        ("looking for someone who knows payroll?", "payroll"),
        ("any rust experts here?", "rust"),
        ("any tax law expert?", "tax law"),
        ("are there any kubernetes experts around?", "kubernetes"),
        ("is there an expert on maritime law?", "maritime law"),
        ("is there an expert in Rust?", "Rust"),
        // accepted neighbours of the SPEC forms
        ("does someone know about estate planning?", "estate planning"),
        ("can somebody help me with Excel?", "Excel"),
        ("who's an expert on tax law?", "tax law"),
        ("anyone with experience in Go?", "Go"),
        ("has anyone here worked with Kafka?", "Kafka"),
        ("does anyone know someone who knows about reverse mortgages?", "reverse mortgages"),
        ("any experts on rust?", "rust"),
    ])
    func detectsEveryForm(line: String, topic: String) {
        #expect(detect(line) == topic)
        #expect(detect(line.uppercased()) == topic.uppercased())
        #expect(detect(String(line.dropLast()), addressed: true) == topic)
    }

    @Test func needsQuestionMarkUnlessAddressed() {
        #expect(detect("who knows about rust") == nil)
        #expect(detect("who knows about rust", addressed: true) == "rust")
        #expect(detect("who knows rust ?") == "rust")
        #expect(detect("who knows about rust?!") == "rust")
        #expect(detect("who knows about rust\u{FF1F}") == "rust")
    }

    @Test func toleratesFormattingEmphasisAndActions() {
        #expect(detect("\u{02}who knows\u{02} about \u{03}4,2rust\u{0F}?") == "rust")
        #expect(detect("who knows about *rust*?") == "rust")
        #expect(detect("*who knows about rust?*") == "rust")
        #expect(detect("who knows about _rust_ here?") == "rust")
        #expect(detect("wonders who knows about cooking?") == "cooking")
        #expect(detect("/me wonders if anyone knows about cooking?") == "cooking")
        #expect(detect("is looking for someone who knows about cooking?") == "cooking")
    }

    @Test func skipsGreetingsAndFillers() {
        #expect(detect("hey all, who knows about tax law?") == "tax law")
        #expect(detect("quick question: does anyone know postgres?") == "postgres")
        #expect(detect("Hi there! Anyone familiar with C++?") == "C++")
        #expect(detect("so who knows about rust?") == "rust")
        #expect(detect("folks, anyone know jq?") == "jq")
        #expect(detect("I was wondering if anyone knows about sailing?") == "sailing")
    }

    @Test func reducesTheTopic() {
        #expect(detect("who knows about rust here please?") == "rust")
        #expect(detect("who knows about rust at all?") == "rust")
        #expect(detect("who knows about rust? thanks!") == "rust")
        let polite = "does anyone know anything about reverse mortgages here? thanks :)"
        #expect(detect(polite) == "reverse mortgages")
        #expect(detect("who knows about \"reverse mortgages\"?") == "reverse mortgages")
        #expect(detect("does someone know about U.S. tax law?") == "U.S. tax law")
        #expect(detect("who knows about rust? I need help", addressed: true) == "rust")
        #expect(detect("who knows about rust. I need help", addressed: true) == "rust")
    }

    @Test func rejectsLongTopics() {
        let twelve = "who knows about one two three four five six seven eight nine ten eleven twelve?"
        #expect(detect(twelve) == "one two three four five six seven eight nine ten eleven twelve")
        #expect(detect(String(twelve.dropLast()) + " thirteen?") == nil)
    }

    @Test(arguments: [
        "who knows what time it is?",
        "who knows?",
        "who knows, maybe it will work?",
        "does anyone know if the meeting is today?",
        "does anyone know whether it rains?",
        "anyone know where the docs are?",
        "who knows about it?",
        "who knows about?",
        "who knows about the?",
        "can anyone help me?",
        "can anyone help me with this?",
        "any updates from the experts?",
        "any experts?",
        "he asked \"who knows about rust?\"",
        "\"who knows about rust?\"",
        "> who knows about rust?",
        "<bob> who knows about rust?",
        "bob: who knows about rust?",
        "bob, who knows about rust?",
        "hey bob, who knows about rust?",
        "@bob who knows about rust?",
        "who knows about rust",
        "I think nobody knows about rust?",
        "",
        "?",
    ])
    func nearMisses(line: String) {
        #expect(detect(line) == nil)
    }

    @Test func addressedLinesMayStartWithTheBotsNick() {
        #expect(detect("liaison: who knows about rust", addressed: true) == "rust")
        #expect(detect("liaison, who knows about rust?", addressed: true) == "rust")
        #expect(detect("what time is it", addressed: true) == nil)
    }

    @Test func reduceTopicForAsk() {
        #expect(RequestDetector.reduceTopic("someone who knows about reverse mortgages please") == "reverse mortgages")
        #expect(RequestDetector.reduceTopic("tax law") == "tax law")
        #expect(RequestDetector.reduceTopic("  Tax  law  ") == "Tax law")
        #expect(RequestDetector.reduceTopic("an expert on maritime law") == "maritime law")
        #expect(RequestDetector.reduceTopic("help with my taxes") == "taxes")
        #expect(RequestDetector.reduceTopic("who knows rust?") == "rust")
        #expect(RequestDetector.reduceTopic("reverse mortgages. It's urgent") == "reverse mortgages")
        #expect(RequestDetector.reduceTopic("somebody familiar with \u{02}Kafka\u{02}") == "Kafka")
        #expect(RequestDetector.reduceTopic("an intro to someone who knows SAP") == "SAP")
        // nothing to reduce to: the plain text comes back
        #expect(RequestDetector.reduceTopic("the") == "the")
        #expect(RequestDetector.reduceTopic("how to exit vim") == "how to exit vim")
        #expect(RequestDetector.reduceTopic("???") == "???")
    }
}

/// Issue 12: the other ways people ask for a person, and the chatter that stays quiet.
@Suite struct ChatFormsDetectionTests {
    /// Detection reads WordNet only once it is loaded (the bot loads it in the background); wait for it here.
    init() { _ = Lexicon.system }

    @Test(arguments: [
        ("who knows how to configure nginx?", "configure nginx"),
        ("anyone know a good pizza place?", "pizza"),
        ("anyone have experience with 3d printing?", "3d printing"),
        ("who can teach me chess?", "chess"),
        ("any beekeepers here?", "beekeepers"),
        ("has anyone here got experience with electric vehicles?", "electric vehicles"),
        ("hey all, does anyone know about reverse mortgages? my parents are looking at one", "reverse mortgages"),
        ("who can give me advice on employment law?", "employment law"),
        ("is anyone here good at knitting?", "knitting"),
        ("any python people here?", "python"),
        // What the asker hopes for and whom it is for are not the topic.
        ("anyone know a good camping spot near the lake?", "camping"),
        ("does anyone know a good way to learn car maintenance?", "car maintenance"),
        ("any german speakers here?", "german"),
        ("any chess players around?", "chess"),
        ("any birdwatchers here?", "birdwatchers"),
        ("can anyone recommend a good accountant?", "accountant"),
        ("anyone here do beekeeping?", "beekeeping"),
        // A request that says what it wants needs no "?", in a line that asks nothing else.
        ("looking for someone who knows about immigration law", "immigration law"),
        ("we're moving in june. I'm looking for someone familiar with landlord tenant law", "landlord tenant law"),
        ("i'm looking for help with my resume", "resume"),
        // Field trials: more ways to ask, and a question after a clause of context.
        ("is there anyone who can help me with my tax return?", "tax return"),
        ("do we have any plumbers in here?", "plumbers"),
        ("my sink is leaking, does anyone know plumbing?", "plumbing"),
        ("is anyone here a nurse?", "nurse"),
        ("is there an electrician around?", "electrician"),
        ("can someone explain index funds?", "index funds"),
        ("does anyone speak german?", "german"),
        ("any recommendations for learning japanese?", "japanese"),
        // What a /me action says.
        ("wonders if anyone is familiar with japanese?", "japanese"),
        ("asks around: does anyone know about marine biology?", "marine biology"),
        // Experience asked after: a field probe's forms.
        ("anyone around who knows nginx well?", "nginx"),
        ("hey, anyone experienced with sourdough baking?", "sourdough baking"),
        ("is there anyone experienced in welding?", "welding"),
        ("anyone with a background in statistics?", "statistics"),
        ("anyone with first aid training around?", "first aid"),
        ("does anyone have docker experience?", "docker"),
        ("anyone got any sailing experience?", "sailing"),
        ("is there anyone with nursing experience here?", "nursing"),
        ("who has genealogy experience?", "genealogy"),
        // A second probe: pointers to a person, whom to ask, other verbs of knowing.
        ("can anybody point me to someone who knows about mortgages?", "mortgages"),
        ("i could use some help with my garden, anyone?", "garden"),
        ("does someone here understand kubernetes?", "kubernetes"),
        ("anyone knowledgeable about index funds?", "index funds"),
        ("anyone who can help with excel?", "excel"),
        ("where can i find someone who knows welding?", "welding"),
        ("is there someone i can ask about diabetes?", "diabetes"),
        ("who would know about solar panels?", "solar panels"),
        ("can someone who knows python help me?", "python"),
        ("who's the person to ask about nginx?", "nginx"),
        ("who do i ask about home insurance?", "home insurance"),
        ("anyone an expert in sign language?", "sign language"),
        ("do any of you know anything about bonsai?", "bonsai"),
        ("any of you into astronomy?", "astronomy"),
        ("are any of you familiar with docker?", "docker"),
        ("has anyone done a marathon before?", "marathon"),
        ("has anyone here used docker before?", "docker"),
        ("who here has tried sourdough baking before?", "sourdough baking"),
        // Chat shorthand.
        ("does any1 know python?", "python"),
        ("ne1 know about solar panels?", "solar panels"),
        ("who kno about docker?", "docker"),
        ("who knows abt sourdough baking?", "sourdough baking"),
        ("can any one help with excel?", "excel"),
        ("anyone familiar w/ genealogy?", "genealogy"),
        ("who's familiar with postgresql?", "postgresql"),
        ("does anybody have any knowledge of german?", "german"),
        // A person by their work.
        ("looking for a beekeeper, anyone?", "beekeeper"),
        ("need a plumber, anyone know one?", "plumber"),
        ("I'm looking for a good translator", "translator"),
        ("looking for a photographer for our wedding", "photographer"),
    ])
    func newForms(line: String, topic: String) {
        #expect(RequestDetector.detect(line, addressed: false) == topic)
    }

    @Test(arguments: [
        "who knows?", "does anyone know what time it is?", "anyone seen my keys?",
        "can anyone help me move a couch?", "who knows where bob went?", "any takers?", "any experts here?",
        "who knows tax law? nvm found it",
        "is anyone here good at keeping secrets? lol", "any single parents here?", "any other speakers here?",
        "anybody know the way to the venue?",
        "does anyone know how to get to the venue?", "anyone know a good name for my cat?",
        "anyone know alice's email?", "anyone know a guy named steve?", "anyone do anything fun?",
        "looking for someone who knows about rust? lol", "he is looking for someone who knows about rust",
        "can anyone recommend something?",
        "is anyone here a student?", "is anyone here a fan of jazz?", "is anyone here from ohio?",
        "is there a problem with the server?", "bob, who knows rust?", "ok so, who knows?",
        "does anyone speak to the admins?", "anyone speak up for me?",
        "anyone with a car?", "does anyone have any experience?", "anyone with experience?", "who has the keys?",
        "anyone here who knows where the slides are?", "anyone with admin rights around?",
        "does anyone have a charger?", "anyone with a spare hour tomorrow?",
        "does anyone understand this error?", "can someone who knows help?", "who do i ask about the wifi password?",
        "can anyone point me to the bathroom?", "who would know what's going on?", "is there someone i can ask?",
        "any of you know why it's down?", "are any of you going tonight?", "any of you awake?",
        "has anyone done the homework?", "has anyone done this before?", "has anyone used the new printer before?",
        "is anyone into the new season of the show?", "who has used the printer?", "does anyone know about the latest update?",
        "who knows abt the party?", "does any1 know what time it is?", "ne1 up for lunch?", "anyone familiar w/ this error?",
        "can any one hear me?",
        "looking for a roommate, anyone?", "i need a coffee", "looking for a job", "need a ride, anyone?",
        "i need a friend lol", "looking for a partner for the project", "he is looking for a plumber", "anyone who can help with setup tonight?", "does anyone know these songs?",
    ])
    func chatterStaysQuiet(line: String) {
        #expect(RequestDetector.detect(line, addressed: false) == nil)
    }

    /// `ask TEXT` and an addressed line are reduced the same way.
    @Test func askTextIsReducedToWhatAMemberWouldList() {
        #expect(RequestDetector.reduceTopic("rust programming language") == "rust")
        #expect(RequestDetector.reduceTopic("learning piano as an adult") == "piano")
        #expect(RequestDetector.reduceTopic("best pizza oven brands") == "pizza oven")
        #expect(RequestDetector.reduceTopic("knife skills for beginners") == "knife skills")
        // A lone generic word stays: it is all there is.
        #expect(RequestDetector.reduceTopic("places") == "places")
        #expect(RequestDetector.detect("liaison: any electricians", addressed: true) == "electricians")
    }
}
