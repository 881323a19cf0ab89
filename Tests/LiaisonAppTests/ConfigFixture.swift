import Foundation
import LiaisonCore
import Testing
@testable import LiaisonApp
@testable import LiaisonConfig

/// What the bot.conf suites share: parsing as from /srv/liaison/bot.conf, and expecting an
/// error that names file and line.
protocol ConfigFixture {}

extension ConfigFixture {
    static var path: String { "/srv/liaison/bot.conf" }

    func parse(_ text: String) throws -> LiaisonConfig {
        try ConfigLoader.parse(text, path: Self.path)
    }

    /// The error `text` produces, or nil if it parses.
    func error(_ text: String) -> ConfigError? {
        do {
            _ = try parse(text)
            return nil
        } catch let error as ConfigError {
            return error
        } catch {
            return ConfigError(file: "?", line: nil, message: "not a ConfigError: \(error)")
        }
    }

    /// Expects `text` to fail on `line` of bot.conf with a message containing each of `words`.
    func expectError(_ text: String, line: Int, _ words: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error = error(text) else {
            Issue.record("expected an error on line \(line), but it parsed", sourceLocation: sourceLocation)
            return
        }
        #expect(error.file == Self.path, sourceLocation: sourceLocation)
        #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
        for word in words {
            #expect(error.message.contains(word), "\(error)", sourceLocation: sourceLocation)
        }
        #expect(error.description.hasPrefix("\(Self.path):\(line): "), sourceLocation: sourceLocation)
    }

    var irc: String {
        """
        [irc.libera]
        host = irc.libera.chat
        """
    }
}
