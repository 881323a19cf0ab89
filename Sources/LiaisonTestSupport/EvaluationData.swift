public import Foundation

/// The labelled sets in Benchmarks/data (made by generate_eval.py), as QualityTests and
/// LiaisonBench read them.
public enum EvaluationData {
    public struct Directory: Decodable, Sendable {
        public struct Alias: Decodable, Sendable {
            public let alias: String
            public let topic: String
        }

        public struct Entry: Decodable, Sendable {
            public let member: String
            public let topic: String
        }

        public let aliases: [Alias]
        public let entries: [Entry]
    }

    /// A request and the members who should be found for it (none: it must match nothing).
    public struct Query: Decodable, Sendable {
        public let query: String
        public let expected: [String]
        public let category: String
        public let split: String
    }

    /// A channel line and the topic a request detector should find in it (nil: chatter).
    public struct Line: Decodable, Sendable {
        public let line: String
        public let addressed: Bool
        public let topic: String?
        public let category: String
        public let split: String
    }

    public static func load<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
    }
}
