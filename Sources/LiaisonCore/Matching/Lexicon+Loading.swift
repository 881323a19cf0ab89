import Foundation

/// Reading WordNet takes seconds (a 25 MB text database, longer in a debug build), so the
/// bot reads it on a thread of its own and matches without expansion until it is read:
/// start-up and the first reply never wait for it.
extension Lexicon {
    /// How the background read ended, for the log.
    public enum LoadOutcome: Sendable {
        case loaded(lemmas: Int, seconds: Double)
        case missing(directory: String)
    }

    /// The system lexicon once it has been read; nil before that and when WordNet is missing.
    /// Never waits.
    public static var loaded: Lexicon? { LexiconLoad.shared.lexicon }

    /// Starts reading the system lexicon on a background thread, once per process; `done`
    /// is called once, on that thread, when it is read or found missing. A second call only
    /// adds nothing (its `done` is not called).
    public static func loadInBackground(_ done: @escaping @Sendable (LoadOutcome) -> Void = { _ in }) {
        guard LexiconLoad.shared.claimStart() else { return }
        let thread = Thread {
            _ = Lexicon.system
            done(LexiconLoad.shared.outcome ?? .missing(directory: systemDirectory))
        }
        thread.name = "wordnet"
        thread.start()
    }
}

/// Whether the system lexicon has been read, shared by every thread.
final class LexiconLoad: @unchecked Sendable {
    static let shared = LexiconLoad()

    private let lock = NSLock()
    private var started = false
    private var done = false
    private var value: Lexicon?
    private var result: Lexicon.LoadOutcome?

    var lexicon: Lexicon? {
        lock.lock()
        defer { lock.unlock() }
        return done ? value : nil
    }

    var outcome: Lexicon.LoadOutcome? {
        lock.lock()
        defer { lock.unlock() }
        return result
    }

    func claimStart() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if started { return false }
        started = true
        return true
    }

    func finish(_ lexicon: Lexicon?, seconds: Double) {
        lock.lock()
        defer { lock.unlock() }
        value = lexicon
        done = true
        result = lexicon.map { .loaded(lemmas: $0.count, seconds: seconds) } ?? .missing(directory: Lexicon.systemDirectory)
    }
}
