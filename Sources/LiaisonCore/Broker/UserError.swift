/// An error whose sentence is shown to the person who caused it. The broker rolls back the
/// transaction and sends only this sentence, so bad input changes nothing.
public protocol UserFacingError: Error {
    var sentence: String { get }
}

/// A refusal or validation failure of a chat command.
public struct Refusal: UserFacingError, Equatable {
    public let sentence: String
    public init(_ sentence: String) { self.sentence = sentence }

    /// To a banned person, whatever they tried.
    public static let banned = Refusal("Sorry, you can't use Liaison: an admin has banned you.")
}
