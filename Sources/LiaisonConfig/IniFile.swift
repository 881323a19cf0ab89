import Foundation
import LiaisonCore

/// bot.conf as written: `[section]` headers holding `key = value` entries, each with the
/// line it came from (SPEC §6). Knows the file format, not what the keys mean.
public struct IniFile: Sendable, Equatable {
    /// One `key = value` line.
    public struct Entry: Sendable, Equatable {
        public var key: String
        /// Trimmed, with any trailing ` ;` comment removed; may be empty.
        public var value: String
        public var line: Int
    }

    /// A `[name]` header and the entries under it, in file order.
    public struct Section: Sendable, Equatable {
        public var name: String
        public var line: Int
        public var entries: [Entry]
        /// The file as the user named it, so value errors can say where they are.
        public var file: String

        public func entry(_ key: String) -> Entry? {
            entries.first { $0.key == key }
        }
    }

    /// The file as the user named it.
    public var file: String
    public var sections: [Section]

    /// Tokenizes `text`; `file` is only used in error messages.
    /// Throws `ConfigError` for a line that is neither a header, an entry, a comment nor blank,
    /// for an entry before the first header, and for a repeated section or key.
    public init(parsing text: String, file: String) throws {
        self.file = file
        self.sections = []
        var body = Substring(text)
        // Editors on some systems save a byte-order mark; it is not part of the first line.
        if body.first == "\u{FEFF}" { body = body.dropFirst() }
        // "\r\n" is a single Character in Swift, so it has to be named alongside "\n".
        let lines = body.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        for (index, raw) in lines.enumerated() {
            try read(line: String(raw), number: index + 1)
        }
    }

    public func section(_ name: String) -> Section? {
        sections.first { $0.name == name }
    }

    private mutating func read(line raw: String, number: Int) throws {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { return }
        let line = Self.removingComment(trimmed)
        if line.hasPrefix("[") {
            try openSection(line, number: number)
        } else if let equals = line.firstIndex(of: "=") {
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            // `key = ; note` leaves no space between "=" and ";" after trimming: still a comment.
            if value.hasPrefix(";") { value = "" }
            try add(key: key, value: value, number: number, text: trimmed)
        } else {
            throw ConfigError(file: file, line: number,
                              message: "expected \"[section]\", \"key = value\" or a comment, got \(Self.quoted(trimmed))")
        }
    }

    private mutating func openSection(_ line: String, number: Int) throws {
        guard line.hasSuffix("]"), line.count >= 2 else {
            throw ConfigError(file: file, line: number,
                              message: "expected a section header like [bot], got \(Self.quoted(line))")
        }
        let name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, !name.contains("["), !name.contains("]") else {
            throw ConfigError(file: file, line: number,
                              message: "expected a section header like [bot], got \(Self.quoted(line))")
        }
        if let earlier = section(name) {
            throw ConfigError(file: file, line: number,
                              message: "duplicate section [\(name)]; it is already opened on line \(earlier.line)")
        }
        sections.append(Section(name: name, line: number, entries: [], file: file))
    }

    private mutating func add(key: String, value: String, number: Int, text: String) throws {
        guard !key.isEmpty, !key.contains(where: \.isWhitespace) else {
            throw ConfigError(file: file, line: number,
                              message: "expected \"key = value\" with a one-word key, got \(Self.quoted(text))")
        }
        guard let last = sections.indices.last else {
            throw ConfigError(file: file, line: number,
                              message: "\"\(key)\" comes before any section; put it under a header such as [bot]")
        }
        if let earlier = sections[last].entry(key) {
            throw ConfigError(file: file, line: number,
                              message: "duplicate key \"\(key)\" in [\(sections[last].name)]; it is already set on line \(earlier.line)")
        }
        sections[last].entries.append(Entry(key: key, value: value, line: number))
    }

    /// Cuts the line at the first `;` that follows whitespace; a `;` glued to text is data.
    static func removingComment(_ line: String) -> String {
        var previous: Character = "x"
        for index in line.indices {
            let c = line[index]
            if c == ";", previous.isWhitespace {
                return line[..<index].trimmingCharacters(in: .whitespaces)
            }
            previous = c
        }
        return line
    }

    /// True for text with a control character (Unicode category Cc), which no value may hold.
    static func hasControl(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// Shows a value as the user typed it, quoted, so an empty or space-padded value is visible.
    static func quoted(_ text: String) -> String {
        "\"" + text + "\""
    }
}

// Typed reading of values. Each returns nil when the key is absent, so the caller
// supplies the default; a present but malformed value is an error naming the expected form.
extension IniFile.Section {
    func error(_ line: Int?, _ message: String) -> ConfigError {
        ConfigError(file: file, line: line, message: message)
    }

    /// The line of `key` if present, else of the section header, for errors about a combination.
    func line(of key: String) -> Int {
        entry(key)?.line ?? line
    }

    /// Refuses the first key (in file order) that is not in `known`.
    func checkKeys(_ known: [String]) throws {
        for entry in entries where !known.contains(entry.key) {
            throw error(entry.line, "unknown key \"\(entry.key)\" in [\(name)]; known keys: \(known.joined(separator: ", "))")
        }
    }

    func text(_ key: String) -> String? {
        entry(key)?.value
    }

    /// A value that must not be empty and must not contain spaces (hosts, nicks, names).
    func word(_ key: String, expected: String) throws -> String? {
        guard let entry = entry(key) else { return nil }
        guard !entry.value.isEmpty, !entry.value.contains(where: \.isWhitespace), !IniFile.hasControl(entry.value) else {
            throw error(entry.line, "\(key): expected \(expected), got \(IniFile.quoted(entry.value))")
        }
        return entry.value
    }

    func bool(_ key: String) throws -> Bool? {
        guard let entry = entry(key) else { return nil }
        switch entry.value.lowercased() {
        case "yes", "true", "on": return true
        case "no", "false", "off": return false
        default:
            throw error(entry.line, "\(key): expected yes/no, true/false or on/off, got \(IniFile.quoted(entry.value))")
        }
    }

    /// A whole number of at least `min` (counts in bot.conf start at 1), and at most `max` if given.
    func integer(_ key: String, min: Int = 1, max: Int? = nil) throws -> Int? {
        guard let entry = entry(key) else { return nil }
        let digits = !entry.value.isEmpty && entry.value.allSatisfy { $0.isASCII && $0.isNumber }
        guard digits, let n = Int(entry.value), n >= min, n <= (max ?? Int.max) else {
            let bounds = max.map { "from \(min) to \($0)" } ?? "of \(min) or more"
            throw error(entry.line, "\(key): expected a whole number \(bounds), got \(IniFile.quoted(entry.value))")
        }
        return n
    }

    /// Seconds; `0s` only where the key allows turning something off.
    func duration(_ key: String, allowZero: Bool = false) throws -> TimeInterval? {
        guard let entry = entry(key) else { return nil }
        guard let seconds = DurationText.parse(entry.value) else {
            let zero = allowZero ? " (0s turns it off)" : ""
            throw error(entry.line, "\(key): expected a duration like 90s, 30m, 48h, 7d or 2w\(zero), got \(IniFile.quoted(entry.value))")
        }
        guard allowZero || seconds > 0 else {
            throw error(entry.line, "\(key): expected a duration longer than 0s, like 90s, 30m, 48h, 7d or 2w, got \(IniFile.quoted(entry.value))")
        }
        return seconds
    }

    /// One of a fixed set of words, case-insensitively.
    func choice<T: RawRepresentable & CaseIterable>(_ key: String, _: T.Type = T.self) throws -> T? where T.RawValue == String {
        guard let entry = entry(key) else { return nil }
        if let value = T(rawValue: entry.value.lowercased()) { return value }
        let names = T.allCases.map(\.rawValue)
        let expected = names.count > 1
            ? names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "") : names.joined()
        throw error(entry.line, "\(key): expected \(expected), got \(IniFile.quoted(entry.value))")
    }

    /// Comma-separated items, each checked by `isValid`; empty items are skipped so a
    /// trailing comma or an empty value (an empty list) is fine.
    func list(_ key: String, expected: String, isValid: (String) -> Bool = { _ in true }) throws -> [String]? {
        guard let entry = entry(key) else { return nil }
        let items = entry.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for item in items where !isValid(item) || item.contains(where: \.isWhitespace) || IniFile.hasControl(item) {
            throw error(entry.line, "\(key): expected a comma-separated list of \(expected), got \(IniFile.quoted(item))")
        }
        return items
    }
}
