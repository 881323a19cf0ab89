import Foundation
public enum RequestDetector {
    public static func detect(_ l: String, addressed: Bool) -> String? {
        let t = l.lowercased()
        for p in ["who knows about ", "does anyone know about ", "who knows "] where t.hasPrefix(p) && (t.hasSuffix("?") || addressed) {
            return String(t.dropFirst(p.count)).trimmingCharacters(in: CharacterSet(charactersIn: "?"))
        }
        return nil
    }
    public static func reduceTopic(_ t: String) -> String { t }
}
