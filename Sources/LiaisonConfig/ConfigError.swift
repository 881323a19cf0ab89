/// A problem with bot.conf, worded for the person editing it (SPEC §6).
///
/// `description` is the compiler-style `FILE:LINE: MESSAGE`, so editors and terminals can
/// jump to the line; the bot prints it and exits with code 2.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The config file as the user named it.
    public var file: String
    /// 1-based line number, or nil when the problem is not on one line (missing file, no network).
    public var line: Int?
    /// One sentence naming what was expected.
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
