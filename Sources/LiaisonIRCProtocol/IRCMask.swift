/// IRC wildcard masks such as `*!*@*.example.com`, as used in bans and `ignore` lists.
public enum IRCMask {
    /// True when `string` matches `mask`, where `*` matches any run of characters
    /// (including none) and `?` exactly one; both sides are folded with `casemapping`
    /// first. Everything else is literal: `[` is not a character class, unlike fnmatch,
    /// because nicks contain brackets.
    ///
    /// Iterative with one backtrack point (the last `*`), so the time is at most
    /// mask length × string length, never exponential: a hostile mask such as
    /// `*a*a*a*a*b` cannot stall the bot.
    public static func matches(_ mask: String, _ string: String,
                               casemapping: IRCCasemapping = .rfc1459) -> Bool {
        let pattern = Array(casemapping.fold(mask).unicodeScalars)
        let text = Array(casemapping.fold(string).unicodeScalars)
        var p = 0, t = 0
        // Where the last `*` was and how much text it has swallowed so far.
        var star: Int?
        var starText = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "*" {
                star = p
                starText = t
                p += 1
            } else if p < pattern.count, pattern[p] == "?" || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if let star {
                // Earlier stars never need revisiting: whatever the last one cannot
                // absorb, widening an earlier one would not help either.
                p = star + 1
                starText += 1
                t = starText
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
