#!/usr/bin/env python3
"""Generates Liaison's labelled evaluation data (issue 5, items 1 and 2).

    python3 Benchmarks/data/generate_eval.py        # rewrites the three JSON files

Outputs, next to this script:
  matching-directory.json  {"aliases": [{alias, topic}], "entries": [{member, topic}]}
  matching-queries.json    [{query, expected, category, split}]
  detection-corpus.json    [{line, addressed, topic, category, split}]

Standard library only; fixed seed, so a run reproduces the files byte for byte.

The labels were written from what a human would expect, WITHOUT looking at the matcher or the
detector (Sources/LiaisonCore/Matching and Detection were never read while writing this).

How `expected` is computed (matching-queries.json)
--------------------------------------------------
Every positive query is made from one *concept* of the vocabulary below (a concept is one topic
and its accepted spellings, e.g. "cybersecurity|cyber security|cyber-security"). `expected` is
then computed mechanically, not copied from the generator's intent: it is every member that
lists at least one entry whose human key equals the query's human key. The human key
(`human_key`) is what a person accepts as "the same topic":

  1. accents removed (NFKD), case folded, "'s" and apostrophes dropped, dots inside a word
     dropped ("Node.js" = "nodejs"), every other non-alphanumeric character is a separator
     (so "cyber-security" = "cyber security"); "c++" and "c#" keep their sign;
  2. compounds joined: adjacent words in COMPOUNDS become one ("cyber security" =
     "cybersecurity", "data base" = "database", "e mail" = "email");
  3. admin aliases expanded word by word ("k8s networking" = "kubernetes networking",
     "HECM" = "reverse mortgage"); an alias also matches in the plural ("EVs");
  4. stop words dropped (STOP: "about", "the", "in", "of", "and", ...);
  5. every word reduced to a lemma: first the hand-written LEMMA table (word forms a person
     accepts as the same subject: "mortgaging" = "mortgage", "investment" = "investing",
     "lawyer" = "law", "designer" = "design", British/American spellings), otherwise plain
     plural stripping (-ies -> -y, -(ss|x|zz|ch|sh)es -> -, -s -> -, never -ss/-us/-is);
  6. word order ignored (the key is the sorted list of lemmas).

So a query's expected members are exactly the members listing the *same* topic, not members
listing a broader or narrower one: "mortgages" expects the people who list "mortgages" /
"mortgage", not those who list only "reverse mortgages"; "tax law" does not expect "criminal
law" or "tax planning". Every positive query's target concept is listed by at least one member.

Typos (typo1, typo2): the query is a concept's text with ONE word changed by one or two edits
(optimal string alignment distance: insertion, deletion, substitution, or transposition of two
adjacent letters each count as one edit). `expected` is that of the text before the typo. A
typo is kept only when a person would recover the word: the word has at least 6 letters (one
edit) or 8 letters (two edits), the misspelling is not itself a vocabulary word, and the
original word is strictly the nearest vocabulary word (every word with another lemma is
farther away).

no_match: `expected` is empty, and the generator checks that no content word of the query
(after the normalisation above) equals a word of any directory entry (a partial answer would
exist: "quantum knitting" is out, since people list "quantum computing" and "knitting"), and
that not every content word lies within typo range of a directory word (distance 1 for words
of 4-6 letters, 2 for 7 letters and more), so the query cannot be read as a misspelt topic
("yodeling" is out: one edit from "modeling"; "astrology": two from "astronomy"). A
multi-word query with one word near a listed word stays ("underwater basket weaving":
"weaving" is two edits from "welding", but the other words match nothing). Candidates failing
the check are dropped (and listed with --verbose).

Query categories: exact (an entry's text as listed), word_form (a person noun as the last word
"tax lawyer", "personal trainers"; any form of a one-word topic "mortgaging", "investment";
the singular of a plural last word "index fund"), typo1 / typo2, word_order (words swapped,
or a natural "B of A": "history of art"), alias (an alias alone or inside a topic, and the
expansion where some members listed only the alias), multi_word (topics of two words or more
sharing words with other topics, sometimes after "about" / "the" / "anything about"),
accents_case (accents dropped or added, upper / title / mixed case), compound (joined, split or
hyphenated spelling different from what members listed), no_match.

Directory: 860 members with 1-6 topics each, drawn from a primary domain (72%) or any domain,
Zipf-like inside a domain (weight 1/(rank+1)^0.85 over the listed order); an entry is the
concept's canonical spelling 55% of the time, otherwise another accepted spelling, with
random casing.

Split: in every category, a random 30% (rounded) is "holdout" and the rest "dev"
(random.Random(f"{SEED}-{set}-{category}")).

Detection corpus (detection-corpus.json)
----------------------------------------
`line` is exactly what RequestDetector.detect receives: for a line addressed to the bot
("liaison: who knows rust") it is the text after the address, with addressed = true; for a
/me action it is the action text ("wonders who knows about rust?"), addressed = false.
`topic` is the reduced topic a person would extract (no "about", articles, trailing
punctuation or formatting codes), or null when the line must not be taken as a request.
The rules followed for labels (SPEC section 2 plus human judgement):
  * A request form of SPEC 2 with a real topic counts when the line ends with "?" (trailing
    spaces allowed) or is addressed to the bot. A greeting or short preamble before the form
    ("hey all, who knows about rust?") does not change that.
  * Null: no trailing "?" and not addressed (even "who knows about rust? asking for a
    friend"); "who knows" followed by a wh-clause ("what time it is") or used rhetorically;
    "does anyone know if/whether/where/when ..."; how-to questions ("anyone know how to exit
    vim?"), which ask for a fact or a recipe, not for a person with expertise; a form whose
    "topic" is a pronoun or nothing ("who knows about this?", "can anyone help?"); questions
    addressed to someone else ("bob: who knows about rust?"); quoted or pasted questions
    ("he asked \"who knows about rust?\"", "> who knows about rust?", "<bob> ..."); statements
    about experts; ordinary chatter. A handful of lines (category nm_semantic) ask about an
    event or a piece of information with a request form ("does anyone know about the outage
    tonight?"): a person would not read them as asking for an expert; they are the hardest.
  * /me actions: "wonders who knows about rust?" is a request (SPEC: /me included); a /me
    statement ("knows about rust") or one without "?" is not.
"""

import json
import os
import random
import re
import sys
import unicodedata

SEED = 20240605
HERE = os.path.dirname(os.path.abspath(__file__))
VERBOSE = "--verbose" in sys.argv

# ---------------------------------------------------------------------------------------------
# Vocabulary: domain -> concepts. "a|b|c": accepted spellings of one topic, the first canonical.
# Listed roughly from common to rare inside each domain (the draw is Zipf-like over this order).
# ---------------------------------------------------------------------------------------------

DOMAINS = {
    "finance": [
        "investing|investments", "personal finance", "mortgages|mortgage", "retirement planning",
        "reverse mortgages|reverse mortgage|HECM", "estate planning", "tax planning",
        "accounting", "bookkeeping|book keeping", "index funds", "real estate investing",
        "cryptocurrency", "budgeting", "tax preparation", "financial planning",
        "stock options", "options trading", "day trading", "small business taxes",
        "wealth management", "venture capital", "angel investing", "private equity",
        "hedge funds", "financial modeling|financial modelling", "student loans", "insurance",
        "life insurance", "health insurance", "auto insurance", "refinancing",
        "home equity loans", "mortgage brokering", "commercial mortgages", "trusts and estates",
        "wills and probate", "international tax", "cryptocurrency taxes", "value investing",
        "dividend investing", "forex trading", "bonds", "municipal bonds", "credit repair",
        "debt consolidation", "public accounting|CPA", "forensic accounting", "payroll",
        "annuities", "behavioral finance|behavioural finance", "fintech",
        "crowdfunding|crowd funding", "blockchain|block chain", "bitcoin", "ethereum",
        "credit unions", "banking regulation", "anti-money laundering|anti money laundering",
        "microfinance", "economics", "monetary policy", "behavioral economics",
        "Zürich private banking|Zurich private banking",
    ],
    "law": [
        "tax law", "family law", "employment law", "immigration law", "criminal law",
        "contract law", "intellectual property", "patent law", "data protection|GDPR",
        "GDPR compliance|data protection compliance", "real estate law", "divorce law",
        "child custody", "labor law|labour law", "criminal defense|criminal defence",
        "trademark law", "copyright law", "privacy law", "landlord-tenant law|landlord tenant law",
        "personal injury law", "medical malpractice", "environmental law", "corporate law",
        "mergers and acquisitions", "securities law", "bankruptcy law", "international law",
        "human rights law", "constitutional law", "maritime law", "elder law",
        "notary services", "mediation", "arbitration", "litigation", "legal writing",
        "legal research", "consumer protection", "small claims court", "traffic violations",
        "startup law", "open source licensing|open-source licensing", "sports law",
        "entertainment law", "Québec immigration|Quebec immigration",
    ],
    "software": [
        "Python", "JavaScript|javascript|JS|java script", "Rust", "Kubernetes|kubernetes|k8s",
        "Docker", "React", "TypeScript|typescript|TS", "Linux", "AWS|amazon web services",
        "machine learning|ML", "golang|Go", "Java", "SQL",
        "PostgreSQL|postgres", "data science", "cybersecurity|cyber security|cyber-security",
        "DevOps|devops|dev ops", "Rust async", "embedded Rust", "Python web development",
        "Django", "Flask", "FastAPI", "Spring Boot", "Kotlin", "Android development",
        "iOS development", "Swift", "SwiftUI", "Objective-C", "React Native",
        "Vue.js|vuejs|vue js", "Angular", "Svelte", "Node.js|nodejs|node js", "Next.js",
        "web accessibility", "frontend development|front-end development|front end development",
        "backend development|back-end development|back end development", "CSS",
        "CSS animations", "GraphQL", "REST API design", "microservices|micro services",
        "C++", "C#", "PHP", "Laravel", "Ruby", "Ruby on Rails", "Elixir", "Erlang", "Haskell",
        "functional programming", "Scala", "Clojure", "OCaml", "R programming", "MATLAB",
        "Fortran", "COBOL", "assembly language", "compilers", "operating systems",
        "Linux kernel", "bash scripting", "shell scripting", "Vim", "Emacs", "Git",
        "GitHub Actions", "continuous integration", "Kubernetes networking|k8s networking",
        "Kubernetes operators", "Helm charts", "Terraform", "Ansible",
        "infrastructure as code|IaC", "AWS Lambda", "Azure", "Google Cloud",
        "cloud architecture", "serverless", "site reliability engineering", "observability",
        "Prometheus", "computer networking", "network security", "penetration testing",
        "malware analysis", "cryptography", "incident response",
        "databases|database|data bases", "database design|data base design", "MySQL", "SQLite",
        "MongoDB", "Redis", "query optimization|query optimisation", "data engineering",
        "data warehousing", "Apache Spark", "Kafka", "data analysis",
        "data visualization|data visualisation", "deep learning",
        "artificial intelligence|AI", "AI ethics|artificial intelligence ethics",
        "natural language processing|NLP", "computer vision", "reinforcement learning",
        "large language models", "statistics", "Bayesian statistics", "software testing",
        "test automation", "unit testing", "JavaScript testing|JS testing",
        "performance tuning", "distributed systems", "concurrency", "embedded systems",
        "firmware", "FPGA", "Arduino", "Raspberry Pi", "robotics", "game development",
        "Unreal Engine", "Godot", "computer graphics", "shader programming",
        "WebAssembly|web assembly", "smart contracts", "open source|open-source",
        "technical writing", "API documentation", "user experience|UX", "UX design|user experience design",
        "UX research|user experience research", "UI design", "product management", "agile",
        "scrum", "project management", "software architecture",
        "domain-driven design|domain driven design", "code review", "refactoring",
        "legacy code", "WordPress|wordpress|word press", "Shopify",
        "SEO|search engine optimization|search engine optimisation", "technical SEO",
        "web analytics", "mobile app development", "machine learning engineering|ML engineering",
    ],
    "trades": [
        "plumbing", "electrical wiring", "carpentry", "woodworking|wood working", "welding",
        "home renovation", "HVAC", "roofing", "landscaping", "drywall", "tiling", "masonry",
        "bricklaying|brick laying", "TIG welding", "cabinetmaking|cabinet making",
        "kitchen remodeling|kitchen remodelling", "painting and decorating", "auto repair",
        "motorcycle repair", "small engine repair", "bicycle repair",
        "electric vehicles|EVs|electric vehicle", "EV charging|electric vehicle charging",
        "solar panels", "home automation", "locksmithing", "upholstery", "appliance repair",
        "pool maintenance", "pest control", "interior design", "furniture restoration",
        "3D printing", "CNC machining", "blacksmithing", "knife sharpening", "arboriculture",
        "lawn care",
    ],
    "health": [
        "nutrition", "mental health", "yoga", "meditation", "personal training",
        "strength training", "physical therapy", "sports nutrition",
        "cognitive behavioral therapy|CBT|cognitive behavioural therapy", "mindfulness",
        "first aid", "nursing", "pediatrics|paediatrics", "diabetes", "vegan nutrition",
        "occupational therapy", "speech therapy", "anxiety management", "pilates",
        "marathon training", "sleep science", "dentistry", "orthodontics", "dermatology",
        "cardiology", "oncology", "pharmacology", "herbal medicine", "acupuncture",
        "massage therapy", "chiropractic", "midwifery", "breastfeeding", "public health",
        "epidemiology", "healthcare administration|health care administration",
        "medical billing", "telemedicine", "addiction recovery",
        "grief counseling|grief counselling", "couples therapy", "eating disorders",
        "elder care",
    ],
    "languages": [
        "Spanish", "French", "German", "Japanese", "Mandarin", "Italian", "Portuguese",
        "translation", "language learning", "Korean", "Arabic", "Russian", "linguistics",
        "Brazilian Portuguese", "Cantonese", "Hebrew", "Polish", "Dutch", "Swedish", "Finnish",
        "Greek", "Ancient Greek", "Latin", "Hindi", "Swahili", "American Sign Language",
        "Esperanto", "Spanish translation", "conference interpreting", "phonetics",
        "English grammar", "teaching English", "Québec French|Quebec French",
    ],
    "arts": [
        "photography", "graphic design", "guitar", "music production", "drawing",
        "oil painting", "watercolor|watercolour|water color", "creative writing",
        "songwriting|song writing", "piano", "video editing", "illustration",
        "acrylic painting", "figure drawing", "portrait photography", "landscape photography",
        "wedding photography", "street photography", "photo editing", "film photography",
        "darkroom printing", "videography", "filmmaking|film making", "screenwriting|screen writing",
        "playwriting", "poetry", "fiction writing", "audio engineering",
        "mixing and mastering", "jazz piano", "classical piano", "bass guitar", "drums",
        "violin", "cello", "singing", "choir conducting", "music theory", "opera", "DJing",
        "typography", "calligraphy", "comic illustration", "animation",
        "3D modeling|3D modelling", "sculpture", "ceramics", "pottery", "printmaking",
        "art history", "museum curation", "theatre|theater",
        "stand-up comedy|standup comedy|stand up comedy", "improv", "ballet", "salsa dancing",
        "tango", "swing dancing", "fashion design", "naïve art|naive art", "voice acting",
    ],
    "crafts": [
        "knitting", "crochet", "sewing", "quilting", "embroidery", "cross-stitch|cross stitch",
        "leatherworking|leather working", "jewelry making|jewellery making", "candle making",
        "soap making", "papercraft", "scrapbooking", "bookbinding|book binding",
        "woodcarving|wood carving", "whittling", "model railroading", "miniature painting",
        "Lego building", "cosplay", "costume design", "macrame",
        "Pokémon trading cards|Pokemon trading cards",
    ],
    "culinary": [
        "baking", "crème brûlée|creme brulee", "sourdough", "café management|cafe management",
        "bread baking", "wine tasting", "coffee roasting", "homebrewing|home brewing",
        "pâtisserie|patisserie", "restaurant management", "pastry", "French pastry",
        "craft beer", "cocktail making", "cheesemaking|cheese making", "fermentation",
        "pickling", "home canning", "vegetarian cooking", "vegan cooking", "vegan baking",
        "Indian cooking", "Thai cooking", "Japanese cuisine", "sushi", "barbecue|BBQ",
        "meat smoking", "knife skills", "food safety", "meal prep", "cake decorating",
        "chocolate tempering", "French cuisine", "crêpes|crepes", "latte art", "wine pairing",
    ],
    "sports": [
        "running", "cycling", "rock climbing", "hiking", "swimming", "chess", "tennis", "golf",
        "trail running", "road cycling", "mountain biking", "triathlon", "open water swimming",
        "bouldering", "mountaineering", "backpacking", "sailing", "kayaking", "surfing",
        "kitesurfing|kite surfing", "windsurfing|wind surfing", "paddleboarding|paddle boarding",
        "skiing", "snowboarding|snow boarding", "ice hockey", "figure skating", "table tennis",
        "badminton", "squash", "basketball coaching", "soccer coaching", "rugby", "cricket",
        "baseball analytics", "martial arts",
        "Brazilian jiu-jitsu|BJJ|brazilian jiu jitsu", "judo", "karate", "boxing", "fencing",
        "archery", "powerlifting|power lifting", "weightlifting|weight lifting", "CrossFit",
        "poker strategy", "fly fishing", "horse riding", "scuba diving", "freediving",
        "skateboarding|skate boarding", "parkour", "ultimate frisbee",
    ],
    "science": [
        "astronomy", "physics", "chemistry", "mathematics|maths|math", "neuroscience",
        "genetics", "astrophotography", "astrophysics", "quantum computing",
        "quantum mechanics", "particle physics", "organic chemistry", "biochemistry",
        "molecular biology", "genomics", "bioinformatics|bio informatics", "microbiology",
        "ecology", "marine biology", "botany", "entomology", "birdwatching|bird watching",
        "geology", "climate science", "meteorology", "oceanography", "number theory",
        "topology", "linear algebra", "calculus", "probability theory", "game theory",
        "operations research", "materials science", "nanotechnology", "renewable energy",
        "nuclear engineering", "civil engineering", "structural engineering",
        "mechanical engineering", "electrical engineering", "aerospace engineering", "drones",
        "ham radio", "electronics", "circuit design", "PCB design",
        "Gödel's incompleteness theorems|Godel's incompleteness theorems",
    ],
    "business": [
        "marketing", "digital marketing", "résumé writing|resume writing", "sales", "real estate",
        "public speaking",
        "content marketing", "email marketing|e-mail marketing", "social media marketing",
        "public relations|PR", "branding", "copywriting|copy writing", "B2B sales",
        "negotiation", "startup fundraising", "fundraising", "grant writing",
        "nonprofit management|non-profit management", "event planning", "wedding planning",
        "supply chain management", "logistics", "import export",
        "ecommerce|e-commerce", "customer service", "human resources", "recruiting",
        "career coaching", "leadership coaching",
        "business strategy", "management consulting", "franchising", "commercial real estate",
        "property management", "home staging", "urban planning", "architecture",
        "sustainability", "productivity", "remote work", "freelancing", "pricing strategy",
        "market research", "cold calling", "retail management", "hospitality management",
        "hotel management", "travel planning", "travel hacking", "tourism", "tour guiding",
        "customs brokerage",
    ],
    "community": [
        "parenting", "teaching", "dog training", "genealogy", "philosophy", "psychology",
        "board games", "homeschooling|home schooling", "special education",
        "early childhood education", "math tutoring", "test prep", "college admissions",
        "scholarships", "study abroad", "co-parenting|co parenting", "adoption", "foster care",
        "cat behavior|cat behaviour", "aquarium keeping", "beekeeping", "backyard chickens",
        "military history", "medieval history", "ancient history", "ethics", "theology",
        "political science", "sociology", "anthropology", "archaeology", "classic cars",
        "watch repair", "antiques", "coin collecting", "stamp collecting", "vinyl records",
        "tabletop RPGs", "Dungeons and Dragons", "podcasting", "YouTube content creation",
        "blogging", "journalism", "photojournalism", "radio broadcasting", "magic tricks",
        "juggling",
    ],
}

DOMAIN_WEIGHT = {
    "finance": 1.2, "law": 0.8, "software": 2.2, "trades": 0.8, "health": 0.9,
    "languages": 0.6, "arts": 1.0, "crafts": 0.6, "culinary": 0.7, "sports": 0.9,
    "science": 0.8, "business": 1.0, "community": 0.8,
}

ALIASES = [
    ("HECM", "reverse mortgage"), ("k8s", "kubernetes"), ("JS", "javascript"),
    ("TS", "typescript"), ("ML", "machine learning"), ("AI", "artificial intelligence"),
    ("SEO", "search engine optimization"), ("CPA", "public accounting"),
    ("GDPR", "data protection"), ("PR", "public relations"), ("UX", "user experience"),
    ("AWS", "amazon web services"), ("BJJ", "brazilian jiu jitsu"),
    ("CBT", "cognitive behavioral therapy"), ("EV", "electric vehicle"),
    ("IaC", "infrastructure as code"), ("NLP", "natural language processing"),
]

# ---------------------------------------------------------------------------------------------
# The human key
# ---------------------------------------------------------------------------------------------

STOP = set("""
a an the about in on of for and or with to at by from as into onto over under my your our
their his her its some any anything something stuff things thing is are be been was were it
this that these those what how who which when where why me i you we they he she do does did
can could would should will shall just really very please here there if then so than also
like get got know knows knew help anyone anybody someone somebody everyone people all
""".split())

# Hyphenated or spaced spellings of a single word.
COMPOUNDS = {
    ("cyber", "security"): "cybersecurity", ("data", "base"): "database",
    ("data", "bases"): "databases", ("e", "mail"): "email", ("e", "commerce"): "ecommerce",
    ("front", "end"): "frontend", ("back", "end"): "backend", ("dev", "ops"): "devops",
    ("wood", "working"): "woodworking", ("home", "brewing"): "homebrewing",
    ("snow", "boarding"): "snowboarding", ("skate", "boarding"): "skateboarding",
    ("power", "lifting"): "powerlifting", ("weight", "lifting"): "weightlifting",
    ("bio", "informatics"): "bioinformatics", ("word", "press"): "wordpress",
    ("java", "script"): "javascript",
    ("micro", "services"): "microservices", ("block", "chain"): "blockchain",
    ("crowd", "funding"): "crowdfunding", ("copy", "writing"): "copywriting",
    ("song", "writing"): "songwriting", ("screen", "writing"): "screenwriting",
    ("film", "making"): "filmmaking",
    ("bird", "watching"): "birdwatching", ("book", "binding"): "bookbinding",
    ("wood", "carving"): "woodcarving", ("cheese", "making"): "cheesemaking",
    ("book", "keeping"): "bookkeeping", ("health", "care"): "healthcare",
    ("web", "assembly"): "webassembly", ("kite", "surfing"): "kitesurfing",
    ("wind", "surfing"): "windsurfing", ("paddle", "boarding"): "paddleboarding",
    ("home", "schooling"): "homeschooling", ("non", "profit"): "nonprofit",
    ("stand", "up"): "standup", ("leather", "working"): "leatherworking",
    ("cabinet", "making"): "cabinetmaking", ("brick", "laying"): "bricklaying",
    ("water", "color"): "watercolor", ("water", "colour"): "watercolour",
    ("open", "source"): "opensource", ("vue", "js"): "vuejs", ("node", "js"): "nodejs",
    ("next", "js"): "nextjs", ("co", "parenting"): "coparenting",
    ("paper", "craft"): "papercraft",
}

# Word forms a person accepts as the same subject (lemma <- forms). Checked for collisions.
WORD_FORMS = {
    "mortgage": ["mortgages", "mortgaging"],
    "investing": ["investment", "investments", "invest", "investor", "investors"],
    "trading": ["trade", "trader", "traders"],
    "planning": ["plan", "plans", "planner", "planners"],
    "negotiation": ["negotiating", "negotiations", "negotiator"],
    "translation": ["translating", "translations", "translator"],
    "homebrewing": ["homebrew", "homebrewer"],
    "gardening": ["garden", "gardener"],
    "photography": ["photographing", "photographer", "photographers", "photographs", "photo"],
    "development": ["developing", "developer", "developers", "dev"],
    "design": ["designing", "designer", "designers", "designs"],
    "management": ["managing", "manager", "managers"],
    "consulting": ["consultant", "consultants", "consultancy"],
    "accounting": ["accountant", "accountants", "accountancy"],
    "bookkeeping": ["bookkeeper", "bookkeepers"],
    "coaching": ["coach", "coaches"],
    "training": ["trainer", "trainers"],
    "teaching": ["teacher", "teachers"],
    "tutoring": ["tutor", "tutors"],
    "writing": ["writer", "writers"],
    "editing": ["editor", "editors"],
    "testing": ["tester", "testers", "tests"],
    "analysis": ["analyst", "analysts", "analyzing", "analysing", "analyses"],
    "optimization": ["optimisation", "optimizing", "optimising"],
    "modeling": ["modelling"],
    "climbing": ["climber", "climbers"],
    "running": ["runner", "runners"],
    "cycling": ["cyclist", "cyclists"],
    "sailing": ["sailor", "sailors"],
    "surfing": ["surfer", "surfers"],
    "skiing": ["skier", "skiers"],
    "swimming": ["swimmer", "swimmers"],
    "dancing": ["dancer", "dancers"],
    "singing": ["singer", "singers"],
    "knitting": ["knitter", "knitters"],
    "quilting": ["quilter", "quilters"],
    "welding": ["welder", "welders"],
    "plumbing": ["plumber", "plumbers"],
    "painting": ["painter", "painters"],
    "sculpture": ["sculpting", "sculptor", "sculptors"],
    "carpentry": ["carpenter", "carpenters"],
    "litigation": ["litigator", "litigators", "litigating"],
    "mediation": ["mediator", "mediators", "mediating"],
    "arbitration": ["arbitrator", "arbitrators"],
    "recruiting": ["recruiter", "recruiters", "recruitment"],
    "fundraising": ["fundraiser", "fundraisers"],
    "marketing": ["marketer", "marketers"],
    "fermentation": ["fermenting"],
    "nursing": ["nurse", "nurses"],
    "renovation": ["renovating", "renovations"],
    "restoration": ["restoring"],
    "automation": ["automating"],
    "speaking": ["speaker", "speakers"],
    "acting": ["actor", "actors"],
    "broadcasting": ["broadcaster", "broadcasters"],
    "journalism": ["journalist", "journalists"],
    "photojournalism": ["photojournalist", "photojournalists"],
    "therapy": ["therapist", "therapists", "therapies"],
    "psychology": ["psychologist", "psychologists"],
    "sociology": ["sociologist", "sociologists"],
    "archaeology": ["archaeologist", "archaeologists"],
    "anthropology": ["anthropologist", "anthropologists"],
    "linguistics": ["linguist", "linguists"],
    "genealogy": ["genealogist", "genealogists"],
    "astronomy": ["astronomer", "astronomers"],
    "economics": ["economist", "economists"],
    "physics": ["physicist", "physicists"],
    "chemistry": ["chemist", "chemists"],
    "biology": ["biologist", "biologists"],
    "geology": ["geologist", "geologists"],
    "engineering": ["engineer", "engineers"],
    "architecture": ["architect", "architects"],
    "interpreting": ["interpreter", "interpreters", "interpretation"],
    "law": ["lawyer", "lawyers", "laws"],
    "defense": ["defence"],
    "labor": ["labour"],
    "behavioral": ["behavioural"],
    "behavior": ["behaviour"],
    "counseling": ["counselling", "counselor", "counsellor", "counselors", "counsellors"],
    "remodeling": ["remodelling"],
    "jewelry": ["jewellery"],
    "theater": ["theatre"],
    "pediatrics": ["paediatrics", "pediatrician", "paediatrician"],
    "watercolor": ["watercolour", "watercolors", "watercolours"],
    "visualization": ["visualisation", "visualizing", "visualising"],
    "math": ["mathematics", "maths"],
    "postgresql": ["postgres"],
    "barbecue": ["bbq", "barbecuing", "barbeque"],
    "repair": ["repairs", "repairing"],
    "baking": ["baker", "bakers"],
    "programming": ["programmer", "programmers"],
    "scripting": ["scripts"],
    "preparation": ["preparing", "preparer"],
    "roasting": ["roaster", "roasters"],
    "drawing": ["drawings"],
    "illustration": ["illustrator", "illustrators", "illustrating"],
    "animation": ["animator", "animators", "animating"],
    "sewing": ["seamstress"],
    "prep": ["prepping"],
    "hiking": ["hiker", "hikers"],
    "boxing": ["boxer", "boxers"],
    "crochet": ["crocheting"],
    "juggling": ["juggler", "jugglers"],
    "blogging": ["blogger", "bloggers"],
    "podcasting": ["podcaster", "podcasters"],
    "parenting": ["parent", "parents"],
    "beekeeping": ["beekeeper", "beekeepers"],
    "golang": ["go"],
    "nutrition": ["nutritionist", "nutritionists"],
    "dentistry": ["dentist", "dentists"],
    "dermatology": ["dermatologist", "dermatologists"],
    "cardiology": ["cardiologist", "cardiologists"],
    "oncology": ["oncologist", "oncologists"],
    "pharmacology": ["pharmacologist"],
    "midwifery": ["midwife", "midwives"],
    "acupuncture": ["acupuncturist"],
    "epidemiology": ["epidemiologist", "epidemiologists"],
    "genetics": ["geneticist", "geneticists"],
    "statistics": ["statistician", "statisticians"],
    "locksmithing": ["locksmith", "locksmiths"],
    "blacksmithing": ["blacksmith", "blacksmiths"],
    "upholstery": ["upholsterer"],
    "roofing": ["roofer", "roofers"],
    "landscaping": ["landscaper", "landscapers"],
    "masonry": ["mason", "masons"],
    "bricklaying": ["bricklayer", "bricklayers"],
    "arboriculture": ["arborist", "arborists"],
    "kayaking": ["kayaker", "kayakers"],
    "drums": ["drummer", "drummers", "drum"],
    "guitar": ["guitarist", "guitarists", "guitars"],
    "piano": ["pianist", "pianists", "pianos"],
    "violin": ["violinist", "violinists"],
    "cello": ["cellist", "cellists"],
    "poetry": ["poet", "poets"],
    "calligraphy": ["calligrapher"],
    "typography": ["typographer"],
    "pottery": ["potter", "potters"],
    "videography": ["videographer", "videographers"],
    "philosophy": ["philosopher", "philosophers"],
    "theology": ["theologian", "theologians"],
    "cryptography": ["cryptographer", "cryptographers"],
    "robotics": ["robot", "robots"],
    "drones": ["drone"],
    "mountaineering": ["mountaineer", "mountaineers"],
    "backpacking": ["backpacker", "backpackers"],
    "fencing": ["fencer", "fencers"],
    "archery": ["archer", "archers"],
    "freelancing": ["freelancer", "freelancers"],
    "franchising": ["franchise", "franchises"],
    "copywriting": ["copywriter", "copywriters"],
    "songwriting": ["songwriter", "songwriters"],
    "screenwriting": ["screenwriter", "screenwriters"],
    "playwriting": ["playwright", "playwrights"],
    "filmmaking": ["filmmaker", "filmmakers"],
    "woodworking": ["woodworker", "woodworkers"],
    "leatherworking": ["leatherworker", "leatherworkers"],
    "cabinetmaking": ["cabinetmaker", "cabinetmakers"],
    "woodcarving": ["woodcarver", "woodcarvers"],
    "cheesemaking": ["cheesemaker", "cheesemakers"],
    "bookbinding": ["bookbinder", "bookbinders"],
    "birdwatching": ["birdwatcher", "birdwatchers", "birding", "birder"],
    "powerlifting": ["powerlifter", "powerlifters"],
    "weightlifting": ["weightlifter", "weightlifters"],
    "skateboarding": ["skateboarder", "skateboarders"],
    "snowboarding": ["snowboarder", "snowboarders"],
    "kitesurfing": ["kitesurfer", "kitesurfers"],
    "windsurfing": ["windsurfer", "windsurfers"],
    "paddleboarding": ["paddleboarder", "paddleboarders"],
    "homeschooling": ["homeschool", "homeschooler", "homeschoolers"],
    "crowdfunding": ["crowdfunder"],
    "entomology": ["entomologist", "entomologists"],
    "meteorology": ["meteorologist", "meteorologists"],
    "oceanography": ["oceanographer", "oceanographers"],
    "botany": ["botanist", "botanists"],
    "microbiology": ["microbiologist", "microbiologists"],
    "neuroscience": ["neuroscientist", "neuroscientists"],
    "astrophysics": ["astrophysicist", "astrophysicists"],
    "biochemistry": ["biochemist", "biochemists"],
    "ecology": ["ecologist", "ecologists"],
    "sommelier": [],
}
LEMMA = {form: lemma for lemma, forms in WORD_FORMS.items() for form in forms}
for _lemma in WORD_FORMS:
    LEMMA[_lemma] = _lemma
assert len(LEMMA) == sum(len(f) for f in WORD_FORMS.values()) + len(WORD_FORMS), "a word form is listed twice"

ALIAS_EXPANSION = {a.lower(): t for a, t in ALIASES}

TOKEN = re.compile(r"[a-z0-9]+(?:\+\+|#)?")


def fold(text):
    """Accents off, lower case."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.lower()


def raw_tokens(text):
    t = fold(text)
    t = re.sub(r"['’]s\b", "", t)
    t = re.sub(r"['’]", "", t)
    t = re.sub(r"(?<=[a-z0-9])\.(?=[a-z0-9])", "", t)
    return TOKEN.findall(t)


def join_compounds(tokens):
    out = []
    i = 0
    while i < len(tokens):
        if i + 1 < len(tokens) and (tokens[i], tokens[i + 1]) in COMPOUNDS:
            out.append(COMPOUNDS[(tokens[i], tokens[i + 1])])
            i += 2
        else:
            out.append(tokens[i])
            i += 1
    return out


def singular(word):
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if re.search(r"(ss|x|zz|ch|sh)es$", word):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def lemma(word):
    if word in LEMMA:
        return LEMMA[word]
    s = singular(word)
    return LEMMA.get(s, s)


def expand_aliases(tokens):
    out = []
    for t in tokens:
        exp = ALIAS_EXPANSION.get(t) or (ALIAS_EXPANSION.get(t[:-1]) if t.endswith("s") and len(t) > 2 else None)
        if exp:
            out.extend(join_compounds(raw_tokens(exp)))
        else:
            out.append(t)
    return out


def content_tokens(text):
    toks = expand_aliases(join_compounds(raw_tokens(text)))
    return [lemma(t) for t in toks if t not in STOP]


def human_key(text):
    return tuple(sorted(content_tokens(text)))


def osa(a, b):
    """Optimal string alignment distance (adjacent transposition = one edit)."""
    la, lb = len(a), len(b)
    d = [[0] * (lb + 1) for _ in range(la + 1)]
    for i in range(la + 1):
        d[i][0] = i
    for j in range(lb + 1):
        d[0][j] = j
    for i in range(1, la + 1):
        for j in range(1, lb + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[la][lb]


# ---------------------------------------------------------------------------------------------
# Concepts and the directory
# ---------------------------------------------------------------------------------------------

class Concept:
    def __init__(self, domain, rank, spec):
        self.domain = domain
        self.rank = rank
        self.variants = spec.split("|")
        self.canonical = self.variants[0]
        self.key = human_key(self.canonical)
        for v in self.variants:
            assert human_key(v) == self.key, f"variant {v!r} of {self.canonical!r}: {human_key(v)} != {self.key}"
        assert self.key, spec

    def is_alias_variant(self, v):
        return v.lower() in ALIAS_EXPANSION


CONCEPTS = []
for dom, specs in DOMAINS.items():
    for r, spec in enumerate(specs):
        CONCEPTS.append(Concept(dom, r, spec))
_by_key = {}
for c in CONCEPTS:
    assert c.key not in _by_key, f"{c.canonical!r} and {_by_key[c.key].canonical!r} are the same topic {c.key}"
    _by_key[c.key] = c
for alias, topic in ALIASES:
    assert human_key(topic) in _by_key, f"alias {alias} -> {topic}: no such concept"


def entry_casing(rng, text, concept):
    if concept.is_alias_variant(text):
        return text if rng.random() < 0.85 else text.lower()
    r = rng.random()
    if r < 0.50:
        return text
    if r < 0.80:
        return text.lower()
    if r < 0.93:
        return text[0].upper() + text[1:]
    return " ".join(w[0].upper() + w[1:] if w else w for w in text.split(" "))


def build_directory():
    rng = random.Random(SEED)
    domains = list(DOMAINS)
    dweights = [DOMAIN_WEIGHT[d] for d in domains]
    by_domain = {d: [c for c in CONCEPTS if c.domain == d] for d in domains}
    zipf = {d: [1.0 / (c.rank + 1) ** 0.85 for c in by_domain[d]] for d in domains}
    n_members = 860
    entries = []
    for m in range(1, n_members + 1):
        member = f"m{m:04d}"
        primary = rng.choices(domains, dweights)[0]
        n = rng.choices([1, 2, 3, 4, 5, 6], [18, 24, 22, 16, 11, 9])[0]
        keys = set()
        tries = 0
        while len(keys) < n and tries < 50:
            tries += 1
            dom = primary if (not keys or rng.random() < 0.72) else rng.choices(domains, dweights)[0]
            c = rng.choices(by_domain[dom], zipf[dom])[0]
            if c.key in keys:
                continue
            keys.add(c.key)
            # canonical spelling most of the time, the others share the rest
            if len(c.variants) == 1 or rng.random() < 0.55:
                v = c.canonical
            else:
                v = rng.choice(c.variants[1:])
            entries.append({"member": member, "topic": entry_casing(rng, v, c)})
    return entries


ENTRIES = build_directory()
MEMBERS_BY_KEY = {}
for e in ENTRIES:
    MEMBERS_BY_KEY.setdefault(human_key(e["topic"]), set()).add(e["member"])
PRESENT = [c for c in CONCEPTS if c.key in MEMBERS_BY_KEY]
ENTRY_TEXTS = {}
for e in ENTRIES:
    ENTRY_TEXTS.setdefault(human_key(e["topic"]), set()).add(e["topic"])

# Every word a directory entry uses (folded raw tokens, compounds joined, aliases expanded),
# and the word forms of the LEMMA table: what a typo could be mistaken for.
DIR_WORDS = set()
for e in ENTRIES:
    toks = raw_tokens(e["topic"])
    DIR_WORDS.update(toks)
    DIR_WORDS.update(join_compounds(toks))
    DIR_WORDS.update(expand_aliases(join_compounds(toks)))
DIR_WORDS -= STOP
VOCAB_WORDS = set(DIR_WORDS)
for c in CONCEPTS:
    for v in c.variants:
        VOCAB_WORDS.update(t for t in raw_tokens(v) if t not in STOP)
VOCAB_WORDS.update(LEMMA)
VOCAB_WORDS.update(ALIAS_EXPANSION)


def expected_for(query):
    return sorted(MEMBERS_BY_KEY.get(human_key(query), set()))


# ---------------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------------

def popular_pick(rng, pool, k):
    """k distinct concepts, popular ones more likely but the tail represented."""
    weights = [len(MEMBERS_BY_KEY[c.key]) ** 0.5 for c in pool]
    chosen = []
    pool = list(pool)
    while pool and len(chosen) < k:
        i = rng.choices(range(len(pool)), weights)[0]
        chosen.append(pool.pop(i))
        weights.pop(i)
    return chosen


def query_case(rng, text):
    r = rng.random()
    if r < 0.7:
        return text.lower() if rng.random() < 0.8 else text
    return text[0].upper() + text[1:]


def q_exact(rng, n):
    out = []
    seen = set()
    entries = list(ENTRIES)
    rng.shuffle(entries)
    for e in entries:
        k = human_key(e["topic"])
        if k in seen:
            continue
        seen.add(k)
        out.append(e["topic"])
        if len(out) == n:
            break
    # a few short, sign-carrying or one-letter topics people do type
    for t in ["C++", "C#", "R programming", "Go", "SQL", "Vim"]:
        if human_key(t) in MEMBERS_BY_KEY and human_key(t) not in seen:
            out.append(t)
            seen.add(human_key(t))
    return out


AGENT_SUFFIXES = ("er", "ers", "or", "ors", "ist", "ists", "ian", "ians", "ant", "ants", "wright", "wrights",
                  "ess", "wife", "wives", "yer", "yers")
# plural -> singular of the last word reads naturally except for these
NO_SINGULAR = {"kubernetes", "devops", "sales", "chess", "ethics", "drums", "acquisitions", "arts", "logistics",
               "annuities", "pediatrics", "orthodontics", "robotics", "linguistics", "economics", "physics",
               "genetics", "genomics", "statistics", "mathematics", "electronics", "ceramics", "graphics",
               "analytics", "aerospace", "services", "studies", "rights", "systems", "languages", "pilates",
               "actions", "crepes", "drones", "tricks", "records", "chickens", "theorems", "dragons", "models",
               "admissions", "disorders", "estates", "trusts", "rails", "cards", "games"}


# Topics whose person noun names something else ("anxiety manager", "unit tester").
NO_PERSON_FORM = {"anxiety management", "domain-driven design", "unit testing", "marathon training",
                  "javascript testing", "legal writing", "query optimization", "strength training"}


def word_form_variants(words, i):
    """Forms of words[i] a person would type for the same topic: a person noun as the last
    word ("tax lawyer", "personal trainer"), any form of a one-word topic ("mortgaging",
    "investment"), or the singular of a plural last word ("index fund")."""
    word = words[i]
    lem = lemma(word)
    forms = set()
    if lem in WORD_FORMS:
        for f in [lem] + WORD_FORMS[lem]:
            person = f.endswith(AGENT_SUFFIXES) or f in ("nurse", "nurses", "coach", "coaches")
            if len(words) == 1 or (person and i == len(words) - 1 and " ".join(words) not in NO_PERSON_FORM):
                forms.add(f)
    if i == len(words) - 1 and word.endswith("s") and word not in NO_SINGULAR and not word.endswith("ics"):
        s = singular(word)
        if s != word:
            forms.add(s)
    forms.discard(word)
    return sorted(f for f in forms if lemma(f) == lem)


# Legal forms that are not typed as a topic on their own ("golang" -> "go").
NATURAL_FORM_BLOCK = {"go", "dev", "photo", "drum", "invest", "trade", "robot", "drone", "parent", "franchise"}


def q_word_form(rng, n):
    candidates = []
    for c in PRESENT:
        words = c.canonical.split(" ")
        for i, w in enumerate(words):
            lw = fold(w)
            if not re.fullmatch(r"[a-z]+", lw) or lw in STOP:
                continue
            for f in word_form_variants([fold(x) for x in words], i):
                if f in NATURAL_FORM_BLOCK:
                    continue
                q = " ".join(words[:i] + [f] + words[i + 1:])
                if fold(q) in {fold(t) for t in ENTRY_TEXTS[c.key]}:
                    continue
                candidates.append((c, q))
    rng.shuffle(candidates)
    # prefer concepts with the famous examples first
    must = ["mortgaging", "mortgage", "investment", "investments", "reverse mortgage"]
    chosen, used = [], set()
    for m in must:
        for c, q in candidates:
            if q.lower() == m and c.key not in used:
                chosen.append(q.lower())
                used.add(c.key)
                break
    for c, q in candidates:
        if len(chosen) >= n:
            break
        if c.key in used:
            continue
        used.add(c.key)
        chosen.append(query_case(rng, q))
    return chosen


KEYBOARD = {
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij", "i": "uok",
    "o": "ipl", "p": "ol", "a": "qsz", "s": "adwx", "d": "sfe", "f": "dgr", "g": "fht", "h": "gjy",
    "j": "hku", "k": "jli", "l": "ko", "z": "xa", "x": "zcs", "c": "xvd", "v": "cbf", "b": "vng",
    "n": "bmh", "m": "nj",
}


def one_edit(rng, w):
    op = rng.choices(["delete", "insert", "substitute", "transpose"], [35, 20, 25, 20])[0]
    i = rng.randrange(1, len(w) - 1) if len(w) > 2 else 0
    if op == "delete":
        return w[:i] + w[i + 1:]
    if op == "insert":
        ch = rng.choice([w[i], rng.choice(KEYBOARD.get(w[i], "e"))])
        return w[:i] + ch + w[i:]
    if op == "substitute":
        return w[:i] + rng.choice(KEYBOARD.get(w[i], "e")) + w[i + 1:]
    if i + 1 < len(w) and w[i] != w[i + 1]:
        return w[:i] + w[i + 1] + w[i] + w[i + 2:]
    return w[:i] + w[i + 1:]


def typo_ok(orig, typo, edits):
    if typo == orig or typo in VOCAB_WORDS or typo in STOP or osa(orig, typo) != edits:
        return False
    lem = lemma(orig)
    for w in VOCAB_WORDS:
        if lemma(w) == lem or w in ALIAS_EXPANSION:
            continue
        if abs(len(w) - len(typo)) <= edits and osa(w, typo) <= edits:
            return False
    return True


def q_typo(rng, n, edits, avoid):
    minlen = 6 if edits == 1 else 8
    out = []
    used = set(avoid)
    pool = [c for c in PRESENT if c.key not in used]
    rng.shuffle(pool)
    famous = {"mortgages": "mortages", "kubernetes": "kubernets", "accounting": "accountng"} if edits == 1 else {}
    for c in pool:
        if len(out) >= n:
            break
        words = fold(c.canonical).split(" ")
        # the typo goes into a distinctive word, as typed
        cands = [i for i, w in enumerate(words) if re.fullmatch(r"[a-z]+", w) and len(w) >= minlen and w not in STOP]
        if not cands:
            continue
        i = rng.choice(cands)
        w = words[i]
        typo = famous.get(w)
        if typo is None:
            for _ in range(40):
                t = w
                for _ in range(edits):
                    t = one_edit(rng, t)
                if typo_ok(w, t, edits):
                    typo = t
                    break
        if typo is None or not typo_ok(w, typo, edits):
            continue
        q = " ".join(words[:i] + [typo] + words[i + 1:])
        used.add(c.key)
        out.append((q, c))
    return out


OF_FORMS = {  # natural "B of A" rewordings, word order and a stop word at once
    "art history": "history of art", "music theory": "theory of music",
    "database design": "design of databases", "data analysis": "analysis of data",
    "data visualization": "visualization of data", "contract law": "law of contracts",
    "number theory": "theory of numbers", "bicycle repair": "repair of bicycles",
    "restaurant management": "management of restaurants",
    "probability theory": "theory of probability", "military history": "history of the military",
    "game theory": "theory of games", "furniture restoration": "restoration of furniture",
}


def q_word_order(rng, n, avoid):
    out = []
    for canon, q in OF_FORMS.items():
        if q and human_key(canon) in MEMBERS_BY_KEY:
            out.append(q)
    pool = [c for c in PRESENT if len(c.key) >= 2 and c.key not in avoid and fold(c.canonical) not in OF_FORMS]
    for c in popular_pick(rng, pool, n * 2):
        if len(out) >= n:
            break
        words = [w for w in c.canonical.split(" ")]
        if len(words) < 2:
            continue
        stops = [i for i, w in enumerate(words) if fold(w) in STOP]
        if len(words) == 3 and stops == [1]:
            perm = [words[2], words[1], words[0]]          # "probate and wills"
        elif stops:
            continue
        elif len(words) == 2:
            perm = [words[1], words[0]]
        else:
            perm = words[:]
            while perm == words:
                rng.shuffle(perm)
        out.append(query_case(rng, " ".join(perm)))
    return out


def q_alias(rng, n):
    out = []
    for alias, topic in ALIASES:
        form = rng.choice([alias, alias.lower(), alias.upper()])
        if human_key(alias) in MEMBERS_BY_KEY:
            out.append(form)
    # alias inside a longer topic
    for q in ["k8s networking", "K8s operators", "JS testing", "ML engineering", "AI ethics",
              "UX research", "ux design", "EV charging", "GDPR compliance", "technical SEO",
              "AWS Lambda", "HECMs", "EVs", "evs", "artificial intelligence ethics",
              "user experience research", "nlp", "cbt", "Js"]:
        if human_key(q) in MEMBERS_BY_KEY:
            out.append(q)
    # the expansion, where members listed only the alias
    for alias, topic in ALIASES:
        entries = ENTRY_TEXTS.get(human_key(alias), set())
        if any(t.lower() == alias.lower() for t in entries):
            out.append(topic)
    seen, uniq = set(), []
    for q in out:
        if q not in seen:
            seen.add(q)
            uniq.append(q)
    rng.shuffle(uniq)
    return uniq[:n]


def q_multi_word(rng, n, avoid):
    # multi-word topics whose words also occur in other topics: the whole phrase must win
    word_count = {}
    for c in PRESENT:
        for t in set(c.key):
            word_count[t] = word_count.get(t, 0) + 1
    pool = [c for c in PRESENT if len(c.key) >= 2 and len(c.canonical.split(" ")) >= 2 and c.key not in avoid
            and any(word_count[t] > 1 for t in c.key)]
    out = []
    for c in popular_pick(rng, pool, n):
        v = c.canonical if rng.random() < 0.7 else rng.choice(c.variants)
        if c.is_alias_variant(v):
            v = c.canonical
        r = rng.random()
        if r < 0.15:
            v = "about " + v
        elif r < 0.27:
            v = "the " + v
        elif r < 0.35:
            v = "anything about " + v
        out.append(query_case(rng, v))
    return out


def title_case(text):
    return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))


def q_accents_case(rng, n):
    out = []
    accented = [c for c in PRESENT if any(fold(v) != v.lower() for v in c.variants)]
    for c in accented:
        acc = next(v for v in c.variants if fold(v) != v.lower())
        plain = fold(acc)
        out.append(rng.choice([plain, plain.upper(), title_case(plain)]))
        out.append(acc.upper())
    out += ["résumé writing", "Résumé Writing", "café management", "creme brulee",
            "CRÈME BRÛLÉE", "naïve art", "CAFE MANAGEMENT", "Pâtisserie", "crêpes",
            "pokémon trading cards", "GÖDEL'S INCOMPLETENESS THEOREMS"]
    pool = [c for c in PRESENT if c not in accented]
    for c in popular_pick(rng, pool, n):
        v = c.canonical
        if c.is_alias_variant(v):
            continue
        r = rng.random()
        if r < 0.4:
            v = v.upper()
        elif r < 0.7:
            v = title_case(v) if v.lower() == v else v.lower()
        else:
            v = "".join(ch.upper() if i % 2 else ch.lower() for i, ch in enumerate(v))
        out.append(v)
    seen, uniq = set(), []
    for q in out:
        if q not in seen and human_key(q) in MEMBERS_BY_KEY:
            seen.add(q)
            uniq.append(q)
    return uniq[:n]


# Nobody hyphenates these ("java-script"); only the spaced spelling is used as a query.
NO_HYPHEN = {"javascript", "wordpress", "devops", "webassembly", "nodejs", "vuejs", "nextjs", "papercraft",
             "blockchain", "bioinformatics"}


def q_compound(rng, n):
    out = []
    joined_to_parts = {}
    for parts, j in COMPOUNDS.items():
        joined_to_parts.setdefault(j, parts)
    for c in PRESENT:
        words = fold(c.canonical).split(" ")
        forms = set()
        # split a joined word, or join a split one, or hyphenate
        for i, w in enumerate(words):
            base = w
            if base in joined_to_parts:
                a, b = joined_to_parts[base]
                forms.add(" ".join(words[:i] + [f"{a} {b}"] + words[i + 1:]))
                if base not in NO_HYPHEN:
                    forms.add(" ".join(words[:i] + [f"{a}-{b}"] + words[i + 1:]))
        for i in range(len(words) - 1):
            pair = (words[i], words[i + 1])
            if pair in COMPOUNDS:
                forms.add(" ".join(words[:i] + [COMPOUNDS[pair]] + words[i + 2:]))
                if COMPOUNDS[pair] not in NO_HYPHEN:
                    forms.add(" ".join(words[:i] + [f"{words[i]}-{words[i + 1]}"] + words[i + 2:]))
            w = words[i]
        for v in c.variants:
            if "-" in v:
                forms.add(fold(v).replace("-", ""))
                forms.add(fold(v).replace("-", " "))
        existing = {fold(t) for t in ENTRY_TEXTS[c.key]}
        forms = sorted(f for f in forms if f not in existing and human_key(f) == c.key)
        if forms:
            out.append((c, forms))
    rng.shuffle(out)
    queries = []
    for c, forms in out:
        queries.append(query_case(rng, rng.choice(forms)))
    # a second form for the well-known ones
    for c, forms in out:
        if len(queries) >= n:
            break
        if len(forms) > 1 and c.key in {human_key("cybersecurity"), human_key("database"), human_key("email marketing"),
                                        human_key("frontend development"), human_key("woodworking")}:
            queries.append(forms[-1])
    seen, uniq = set(), []
    for q in queries:
        if q not in seen:
            seen.add(q)
            uniq.append(q)
    return uniq[:n]


NO_MATCH_CANDIDATES = [
    # topics nobody lists
    "underwater basket weaving", "falconry", "taxidermy", "glassblowing", "origami", "bonsai",
    "ventriloquism", "yodeling", "bagpipes", "cryptozoology", "alchemy", "perfumery",
    "sword swallowing", "tarot", "feng shui", "hot air ballooning", "competitive eating",
    "lawn bowling", "curling", "polo", "bobsleigh", "quidditch", "unicycling",
    "kite flying", "taxonomy of ferns", "lighthouse keeping", "sheep shearing", "goat yoga",
    "ant farming", "snail racing", "zeppelin piloting", "toenail painting", "igloo building",
    "volcano surfing", "extreme ironing", "hieroglyphs", "cuneiform", "dowsing",
    "numerology", "palmistry", "graphology", "phrenology", "mime", "puppetry",
    "balloon animals", "sandcastles", "didgeridoo",
    "harpsichord tuning", "bagel shaping", "typewriter collecting", "kazoo", "wombats",
    "quantum knitting", "astrology", "zither", "hovercraft",
    # chatter that reached the matcher
    "what time is it", "good morning everyone", "lol", "brb", "thanks a lot",
    "hello", "is the server down", "see you tomorrow", "nice weather today", "who is bob",
    "anyone around", "lunch", "ok", "haha", "gm", "yes", "no", "idk", "the meeting tomorrow",
    "where is the wifi password", "why is it so slow", "how are you", "whatever",
    "dunno maybe", "the", "about", "ugh mondays", "pizza tonight", "coffee break",
]


def no_match_ok(q):
    toks = content_tokens(q)
    if not toks:
        # a query of stop words only has nothing to match
        return True
    dir_lemmas = {lemma(w) for w in DIR_WORDS}
    near = 0
    for t in toks:
        if t in DIR_WORDS or lemma(t) in dir_lemmas:
            return False  # shares a word with a listed topic: a partial answer exists
        radius = 0 if len(t) < 4 else (1 if len(t) < 7 else 2)
        if any(abs(len(w) - len(t)) <= radius and osa(w, t) <= radius for w in DIR_WORDS):
            near += 1
    # every word could be a typo of a listed word: the query could be a misspelt topic
    return near < len(toks)


def q_no_match(rng):
    kept, dropped = [], []
    for q in NO_MATCH_CANDIDATES:
        (kept if no_match_ok(q) else dropped).append(q)
    if VERBOSE:
        print("no_match dropped (a directory word is too close):", dropped, file=sys.stderr)
    return kept, dropped


def build_queries():
    rng = random.Random(SEED + 1)
    rows = []

    def add(cat, q):
        rows.append({"query": q, "expected": expected_for(q) if cat != "no_match" else [], "category": cat})

    for q in q_exact(rng, 40):
        add("exact", q)
    for q in q_word_form(rng, 45):
        add("word_form", q)
    t1 = q_typo(rng, 45, 1, set())
    for q, c in t1:
        rows.append({"query": q, "expected": sorted(MEMBERS_BY_KEY[c.key]), "category": "typo1"})
    t2 = q_typo(rng, 40, 2, {c.key for _, c in t1})
    for q, c in t2:
        rows.append({"query": q, "expected": sorted(MEMBERS_BY_KEY[c.key]), "category": "typo2"})
    for q in q_word_order(rng, 40, set()):
        add("word_order", q)
    for q in q_alias(rng, 38):
        add("alias", q)
    for q in q_multi_word(rng, 42, set()):
        add("multi_word", q)
    for q in q_accents_case(rng, 40):
        add("accents_case", q)
    for q in q_compound(rng, 40):
        add("compound", q)
    kept, dropped = q_no_match(rng)
    for q in kept:
        add("no_match", q)

    # sanity: every positive query has members; no duplicates inside a category
    seen = set()
    for r in rows:
        if r["category"] != "no_match":
            assert r["expected"], f"no member for {r['query']!r} ({r['category']})"
        k = (r["category"], r["query"])
        assert k not in seen, k
        seen.add(k)
    return rows, dropped


def assign_splits(rows, salt):
    by_cat = {}
    for r in rows:
        by_cat.setdefault(r["category"], []).append(r)
    for cat, items in by_cat.items():
        rng = random.Random(f"{SEED}-{salt}-{cat}")
        idx = list(range(len(items)))
        rng.shuffle(idx)
        k = round(0.3 * len(items))
        hold = set(idx[:k])
        for i, r in enumerate(items):
            r["split"] = "holdout" if i in hold else "dev"


# ---------------------------------------------------------------------------------------------
# Detection corpus
# ---------------------------------------------------------------------------------------------

B, C, U, I, R = "\x02", "\x03", "\x1f", "\x1d", "\x0f"

DET_TOPICS = [
    "reverse mortgages", "Rust", "tax law", "kubernetes", "estate planning", "GDPR",
    "sourdough", "Kubernetes networking", "rust async", "HECM loans", "crème brûlée",
    "café management", "cybersecurity", "PostgreSQL", "immigration law", "sailing",
    "beekeeping", "TIG welding", "Japanese", "data protection", "React Native", "woodworking",
    "index funds", "child custody", "machine learning", "k8s", "Node.js", "C++",
    "retirement planning", "marine biology", "wedding photography", "small business taxes",
    "home renovation", "SEO", "Terraform", "bookkeeping", "music theory", "climbing",
    "3D printing", "Brazilian jiu-jitsu", "physical therapy", "public speaking",
    "grant writing", "ham radio", "genealogy", "the Linux kernel", "solar panels",
    "mortgages", "résumé writing", "ancient Greek", "options trading", "Django",
    "kitchen remodeling", "dog training", "wine pairing", "CBT", "bioinformatics",
    "employment law", "quilting", "fly fishing", "AWS Lambda", "trademark law",
    "reverse mortgages for retirees", "Rust async runtimes", "immigration law in Canada",
    "data protection law", "the Go language", "vegan baking",
]

# topics that read well in "any X experts"
EXPERT_TOPICS = [
    "mortgage", "tax law", "kubernetes", "Rust", "GDPR", "sourdough", "React", "PostgreSQL",
    "estate planning", "cybersecurity", "SEO", "woodworking", "immigration law", "machine learning",
    "k8s", "crème brûlée", "Linux kernel", "home renovation", "wine", "HECM", "music theory",
    "C++", "Japanese", "beekeeping", "bookkeeping", "AWS", "physical therapy", "sailing",
]


def det_topic_label(t):
    t = re.sub(r"^(the|a|an)\s+", "", t, flags=re.I)
    return t


FORMS = {
    "who_knows": ["who knows about {t}", "who knows anything about {t}", "who knows {t}",
                  "who here knows about {t}", "who knows about {t} here"],
    "does_anyone_know": ["does anyone know about {t}", "does anybody know about {t}",
                         "does anyone know {t}", "does anybody know {t}",
                         "does anyone here know about {t}", "does anyone know anything about {t}"],
    "anyone_know": ["anyone know about {t}", "anyone here know about {t}", "anyone know {t}",
                    "anyone here know {t}", "anybody know about {t}", "anybody here know {t}"],
    "familiar_with": ["anyone familiar with {t}", "anybody familiar with {t}",
                      "anyone here familiar with {t}", "is anyone familiar with {t}"],
    "is_there_anyone": ["is there anyone who knows about {t}", "is there anyone who knows {t}",
                        "is there anyone here who knows about {t}", "is there anybody who knows about {t}"],
    "can_anyone_help": ["can anyone help me with {t}", "can anyone help with {t}",
                        "can anybody help me with {t}", "can anybody help with {t}",
                        "can anyone here help me with {t}"],
    "who_can_help": ["who can help me with {t}", "who can help with {t}", "who here can help with {t}"],
    "looking_for": ["looking for someone who knows about {t}", "looking for someone who knows {t}",
                    "I'm looking for someone who knows about {t}", "looking for somebody who knows about {t}"],
    "any_experts": ["any {t} experts", "any {t} experts here", "any {t} experts around",
                    "are there any {t} experts here"],
    "expert_on": ["is there an expert on {t}", "is there an expert in {t}",
                  "is there an expert on {t} here", "is there any expert in {t}"],
}

PREAMBLES = ["hey all, ", "hi folks - ", "quick question: ", "Hello! ", "ok so ", "hmm, ",
             "morning all. ", "sorry to bother, but ", "random question, ", "Hi everyone! "]

ENDINGS = ["?", "?", "?", "?", "?", "??", " ?", "???", "?  "]


def sentence_case(s):
    return s[0].upper() + s[1:] if s else s


def make_line(rng, template, topic, mode=None, ending=None, preamble=None):
    mode = mode or rng.choices(["lower", "sentence", "upper", "asis"], [45, 35, 8, 12])[0]
    if preamble and mode == "sentence":
        mode = "lower"
    before, after = template.split("{t}")
    label = det_topic_label(topic)
    if mode == "upper":
        before, after, topic, label = before.upper(), after.upper(), topic.upper(), label.upper()
    elif mode == "lower":
        before, after = before.lower(), after.lower()
    line = before + topic + after
    if mode == "sentence":
        line = sentence_case(line)
    if preamble:
        line = preamble + line
    if ending is None:
        ending = rng.choice(ENDINGS)
    return line + ending, label


def build_detection():
    rng = random.Random(SEED + 2)
    rows = []

    def add(cat, line, topic, addressed=False):
        rows.append({"line": line, "addressed": addressed, "topic": topic, "category": cat})

    topics = list(DET_TOPICS)

    def topic_iter():
        while True:
            rng.shuffle(topics)
            for t in topics:
                yield t

    tt = topic_iter()

    # --- every request form of SPEC 2, varied topics, case and punctuation
    for form, templates in FORMS.items():
        for i in range(18):
            tpl = templates[i % len(templates)]
            t = next(tt)
            if form == "any_experts":
                t = rng.choice(EXPERT_TOPICS)
            pre = rng.choice(PREAMBLES) if rng.random() < 0.2 else None
            line, label = make_line(rng, tpl, t, preamble=pre)
            add(form, line, label)

    # --- IRC formatting codes
    fmt_wrappers = [
        lambda s, t: s.replace("{t}", f"{B}{t}{B}"),
        lambda s, t: f"{C}04" + s.replace("{t}", t) ,
        lambda s, t: s.replace("{t}", f"{U}{t}{U}"),
        lambda s, t: f"{B}" + s.replace("{t}", t) + f"{B}",
        lambda s, t: s.replace("{t}", f"{C}12,01{t}{C}"),
        lambda s, t: s.replace("{t}", f"{I}{t}{I}") + R,
        lambda s, t: f"{C}3" + s.replace("{t}", t) + f"{C}",
    ]
    all_templates = [tpl for tpls in FORMS.values() for tpl in tpls]
    for i in range(30):
        tpl = rng.choice(all_templates)
        t = rng.choice(EXPERT_TOPICS) if "experts" in tpl else det_topic_label(next(tt))
        w = fmt_wrappers[i % len(fmt_wrappers)]
        line = w(tpl, t)
        if line.endswith(B) or line.endswith(C) or line.endswith(R):
            # formatting closed after the question mark, as clients do
            tail = line[-1]
            line = line[:-1] + "?" + tail
        else:
            line = line + "?"
        add("formatting", line, t)

    # --- /me actions: the text after "/me"
    me_pos = [
        ("wonders who knows about {t}?", True), ("wonders if anyone is familiar with {t}?", True),
        ("is looking for someone who knows about {t}?", True), ("asks: anyone familiar with {t}?", True),
        ("needs help... can anyone help me with {t}?", True), ("wonders: any {t} experts here?", True),
        ("asks around: does anyone know about {t}?", True), ("is wondering who knows {t}?", True),
    ]
    for i in range(16):
        tpl, _ = me_pos[i % len(me_pos)]
        t = rng.choice(EXPERT_TOPICS) if "experts" in tpl else next(tt)
        add("me_action", tpl.replace("{t}", t), det_topic_label(t))

    # --- addressed to the bot: "liaison: <line>", the line is what follows the address
    addr = ["who knows {t}", "who knows about {t}", "any {t} experts here", "looking for someone who knows about {t}",
            "is there an expert on {t}", "can anyone help me with {t}", "does anyone know about {t}",
            "anyone familiar with {t}", "who can help me with {t}", "is there anyone who knows {t}",
            "anybody know about {t}", "Who knows anything about {t}"]
    for i in range(36):
        tpl = addr[i % len(addr)]
        t = rng.choice(EXPERT_TOPICS) if "experts" in tpl else next(tt)
        ending = rng.choice(["", "", "", "?", ".", "!", " please"])
        line = tpl.replace("{t}", t) + ending
        if rng.random() < 0.3:
            line = sentence_case(line)
        add("addressed", line, det_topic_label(t), addressed=True)

    # --- a sentence before the request
    multi = [("I'm stuck with my taxes. who can help me with {t}?", "small business taxes"),
             ("new here :) anyone familiar with {t}?", "cybersecurity"),
             ("So my landlord is being weird. does anyone know about {t}?", "landlord-tenant law"),
             ("ugh, the cluster is down again; any {t} experts around?", "kubernetes"),
             ("We're buying a house next year. Is there anyone who knows about {t}?", "mortgages"),
             ("long shot, but is there an expert on {t} here?", "maritime law"),
             ("thanks for yesterday! Next question: who knows about {t}?", "rust async"),
             ("my mum wants to retire soon - does anybody know about {t}?", "reverse mortgages"),
             ("Before I pay a consultant... can anyone help me with {t}?", "GDPR compliance"),
             ("back again. looking for someone who knows about {t}?", "bread baking"),
             ("different topic: who knows anything about {t}?", "wedding photography"),
             ("Not urgent. Anyone here know about {t}?", "résumé writing"),
             ("My starter died again :( any {t} experts here?", "sourdough"),
             ("we're launching in the EU next month. who knows about {t}?", "the GDPR")]
    for tpl, t in multi:
        add("preamble", tpl.replace("{t}", t), det_topic_label(t))

    # ===================== near misses: topic null =====================
    NM = {
        "nm_wh_clause": [
            "who knows what time it is?", "who knows where the meeting is?", "who knows when the release is?",
            "who knows why the build failed?", "who knows how long the migration takes?",
            "Who knows what happened to the coffee machine?", "who knows where bob went?",
            "who knows which room we're in today?", "who knows if the office is open on friday?",
            "who knows whether the talk is recorded?", "WHO KNOWS WHAT THE WIFI PASSWORD IS?",
            "who knows when lunch arrives?", "who knows what day it is?",
            "who knows why the tests are red again?", "who knows where the spare keys are?",
            "who knows how many people signed up?", "who knows what the deadline is?",
            "who knows if alice is coming?", "who knows who is on call tonight?",
            "who knows why my train is late?", "does anyone know what time it is?",
            "anyone know where the slides are?", "anyone know when the next meetup is?",
            "anybody know who's bringing snacks?", "who knows where I put my glasses?",
        ],
        "nm_rhetorical": [
            "who knows?", "who knows.", "who knows, maybe it'll work?", "who knows, right?",
            "well, who knows?", "Who knows... maybe next year?", "who knows lol",
            "who knows, it might rain tomorrow?", "eh, who knows, could be fine?",
            "who knows anymore?", "who even knows?", "Honestly, who knows?",
            "who knows, maybe the bug fixes itself?", "who knows what the future holds?",
            "who knows, maybe we'll win?",
        ],
        "nm_if_whether": [
            "does anyone know if the meeting is today?", "does anyone know whether the API is down?",
            "does anybody know if the shop is open?", "does anyone know where the docs are?",
            "does anyone know what happened to bob?", "does anyone know why CI is failing?",
            "Does anyone know when the deadline is?", "does anyone know if we need tickets?",
            "does anybody know whether parking is free?", "anyone know if the talk is recorded?",
            "anyone know whether it's going to rain?", "anyone know if the pub takes cards?",
            "does anyone know if kubernetes 1.30 is out yet?", "does anyone know if the rust meetup is still on?",
            "does anyone know whether tax law changed this year?", "anyone know if sourdough needs a starter?",
            "does anyone know who's hosting tonight?", "does anyone know what the dress code is?",
            "is there anyone who knows if the venue has wifi?", "does anyone know which bus goes downtown?",
            "anybody know if the elevator is fixed?", "does anyone know if alice is back from holiday?",
            "does anyone here know if the mailing list moved?", "does anyone know if the server restarted?",
            "Does anybody know whether the store is closed on Sunday?",
        ],
        "nm_howto": [
            "anyone know how to exit vim?", "does anyone know how to reset the router?",
            "who knows how to turn off the projector?", "anybody know how to unmute on this thing?",
            "can anyone help me figure out how to print from here?", "does anybody know how to get to the venue?",
            "anyone know how to undo a git commit?", "who knows how to make the coffee machine work?",
            "does anyone know how to change my nick?", "anyone know how to join the other channel?",
            "does anyone know how to convert a pdf to word?", "who knows how to fix the wifi?",
            "anyone here know how to open the back door?", "how do I exit vim?",
            "how do you register a nick here?", "anyone know how to cancel a zoom meeting?",
            "does anyone know how to clear the npm cache?", "who knows how to restart the bot?",
            "anybody know how to get emoji on linux?", "does anyone know how to find the logs?",
        ],
        "nm_other_addressee": [
            "bob: who knows about rust?", "alice, does anyone know about tax law?",
            "carol: any kubernetes experts here?", "@dave is there an expert on GDPR?",
            "eve: can anyone help me with sourdough?", "frank, who can help me with estate planning?",
            "grace: anyone familiar with terraform?", "heidi: looking for someone who knows about sailing?",
            "ivan: is there anyone who knows about reverse mortgages?", "judy, does anybody know about bookkeeping?",
            "mallory: who knows anything about cybersecurity?", "@oscar anyone know about immigration law?",
            "peggy: who knows about crème brûlée?", "trent, any SEO experts here?",
            "victor: can anybody help with PostgreSQL?", "walter: is there an expert in solar panels?",
            "zoe: who knows about kubernetes networking?", "bob, you know about rust, right?",
            "alice: does anyone know about index funds?", "@carol who can help with kitchen remodeling?",
            "sam: anyone here know about music theory?", "Kim: who knows about options trading?",
            "lee, anybody familiar with Django?", "max: who knows about ham radio?",
            "nina: any TIG welding experts around?",
        ],
        "nm_quoted": [
            'he asked "who knows about rust?"', '> who knows about rust?', '<bob> who knows about tax law?',
            "she said 'anyone familiar with GDPR?' and left", '"who knows about sourdough?" is not how you ask',
            '> does anyone know about reverse mortgages?', '<alice> any kubernetes experts here?',
            'someone in #general typed "can anyone help me with terraform?"',
            'the FAQ literally starts with "who knows about estate planning?"',
            'I keep seeing "is there an expert on cybersecurity?" in the logs',
            '[12:03] <carol> who knows about sailing?', '>> anyone familiar with Django?',
            'quoting dave: "who can help me with bookkeeping?"', 'he wrote `who knows about rust?` in the topic',
            '* bob asked "does anybody know about index funds?"',
        ],
        "nm_no_question_mark": [
            "who knows about rust", "anyone familiar with GDPR", "looking for someone who knows about tax law",
            "who knows about rust? asking for a friend", "does anyone know about sourdough. I need a starter",
            "any kubernetes experts here!", "is there an expert on estate planning.",
            "can anyone help me with terraform :)", "who can help me with bookkeeping", "anyone know about sailing",
            "Does anybody know about reverse mortgages", "is there anyone who knows about cybersecurity...",
            "who knows anything about crème brûlée", "any SEO experts around", "looking for somebody who knows about PostgreSQL",
            "anyone here familiar with Django lol", "who knows about solar panels, ping me",
            "can anybody help me with index funds pls", "is there an expert in music theory here",
            "who knows tax law? nvm found it", "anyone know about ham radio? never mind",
            "who can help with kitchen remodeling, I'll be around later", "any TIG welding experts here, DM me",
            "does anyone know about options trading!!", "looking for someone who knows about dog training",
            "who knows about beekeeping. seriously", "anyone familiar with React Native >_<",
            "WHO KNOWS ABOUT RUST", "is there anyone who knows about wine pairing", "who knows about marine biology :)",
        ],
        "nm_statement": [
            "I know about rust, ask me", "bob knows about tax law", "there are no rust experts here?",
            "i'm an expert on GDPR, happy to help", "alice is the expert in sourdough",
            "you know about kubernetes, right?", "didn't you say you know about estate planning?",
            "isn't carol the expert on cybersecurity?", "nobody knows about reverse mortgages?",
            "everyone knows about index funds, surely?", "we have plenty of terraform experts here",
            "I used to be an expert in bookkeeping", "my uncle knows everything about sailing?",
            "aren't you the one who knows about Django?", "the sourdough experts meetup is tomorrow",
            "I'm looking for the tax law slides", "thanks to everyone who helped me with kubernetes",
            "who knew about rust async anyway", "only dave knows about PostgreSQL?",
            "ask frank, he can help with estate planning",
        ],
        "nm_no_topic": [
            "anyone here?", "anybody around?", "does anyone know?", "can anyone help?", "can anyone help me?",
            "who can help?", "any experts here?", "is there anyone?", "anyone familiar?", "is there an expert?",
            "looking for someone?", "who knows about?", "does anybody know anything?", "who can help me?",
            "anyone know?", "can anybody help me with?", "is there anyone who knows?", "any experts?",
            "anyone?", "who here knows?",
        ],
        "nm_pronoun": [
            "who knows about this?", "can anyone help me with that?", "who can help me with it?",
            "anyone familiar with this?", "does anyone know about that?", "anyone know about it?",
            "is there an expert on this?", "can anybody help with this one?", "who knows anything about that?",
            "does anybody know about this stuff?", "anyone familiar with any of this?", "can anyone help with something?",
        ],
        "nm_chatter": [
            "anyone want coffee?", "anyone up for lunch?", "is the build broken again?", "what time is it?",
            "how's everyone doing?", "anyone else seeing lag?", "anyone going to the meetup?", "who's coming to the party?",
            "who wants pizza?", "who can make it on friday?", "who can join the call?", "can anyone help me move on saturday?",
            "is it just me or is the wifi slow?", "did anyone watch the game?", "where is everyone?",
            "who's on call this week?", "can someone open the door?", "any news on the release?", "any updates?",
            "anyone have a spare charger?", "who broke main?", "does anyone want the last donut?",
            "is there anyone in the office today?", "can anyone hear me?", "who's up for a pint later?",
        ],
        "nm_semantic": [
            "does anyone know about the outage tonight?", "who knows the wifi password?",
            "anyone know about the party on friday?", "who knows the answer to question 3?",
            "does anybody know about the meeting tomorrow?",
        ],
        "nm_me_action": [
            "knows about rust", "is an expert in tax law", "wonders who knows about rust",
            "waves", "shrugs, who knows?", "can help with kubernetes if anyone needs it",
            "is familiar with GDPR, ping me", "looks for someone who knows about sourdough",
            "knows a lot about estate planning :)", "wonders what time it is?",
        ],
    }
    for cat, lines in NM.items():
        for line in lines:
            add(cat, line, None)

    addressed_chatter = ["hello", "thanks!", "how are you?", "what time is it?", "you're great", "who made you?",
                         "are you a bot?", "good bot", "who knows?", "hi there", "what can you do?",
                         "how do I exit vim?", "do you know what day it is?", "lol", "can you help?"]
    for line in addressed_chatter:
        add("nm_addressed_chatter", line, None, addressed=True)

    # no duplicate (line, addressed)
    seen = set()
    for r in rows:
        k = (r["line"], r["addressed"])
        assert k not in seen, k
        seen.add(k)
    return rows


# ---------------------------------------------------------------------------------------------

def dumps_rows(rows):
    return "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n]"


def write(name, obj):
    """One object per line: readable diffs, valid JSON."""
    path = os.path.join(HERE, name)
    if isinstance(obj, dict):
        text = "{\n" + ",\n".join(f"{json.dumps(k)}: {dumps_rows(v)}" for k, v in obj.items()) + "\n}\n"
    else:
        text = dumps_rows(obj) + "\n"
    json.loads(text)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def main():
    members = {e["member"] for e in ENTRIES}
    directory = {"aliases": [{"alias": a, "topic": t} for a, t in ALIASES], "entries": ENTRIES}
    queries, dropped = build_queries()
    assign_splits(queries, "queries")
    lines = build_detection()
    assign_splits(lines, "detection")

    assert len(ENTRIES) >= 2000 and 700 <= len(members) <= 1000
    assert len(queries) >= 300 and sum(q["category"] == "no_match" for q in queries) >= 40
    assert len(lines) >= 400 and sum(l["topic"] is None for l in lines) / len(lines) >= 0.4

    write("matching-directory.json", directory)
    write("matching-queries.json", queries)
    write("detection-corpus.json", lines)

    print(f"directory: {len(ENTRIES)} entries, {len(members)} members, {len(MEMBERS_BY_KEY)} distinct topics "
          f"(of {len(CONCEPTS)} concepts), {len(ALIASES)} aliases")
    for title, rows in (("queries", queries), ("detection", lines)):
        cats = {}
        for r in rows:
            d = cats.setdefault(r["category"], {"dev": 0, "holdout": 0})
            d[r["split"]] += 1
        total_hold = sum(d["holdout"] for d in cats.values())
        print(f"{title}: {len(rows)} ({total_hold} holdout, {total_hold / len(rows):.1%})")
        for c, d in cats.items():
            print(f"  {c:22} dev {d['dev']:3}  holdout {d['holdout']:3}")
    print(f"detection near-miss share: {sum(l['topic'] is None for l in lines) / len(lines):.1%}")


if __name__ == "__main__":
    main()
