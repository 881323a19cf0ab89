import Foundation

/// `liaison check-config [PATH]`: validate and print the effective settings.
public enum ConfigCheck {
    public static func run(path: String) -> Int32 {
        do {
            let config = try ConfigLoader.load(path: path)
            var text = "# \(config.filePath): valid\n"
            print(text + config.effectiveSettings(), terminator: config.effectiveSettings().hasSuffix("\n") ? "" : "\n")
            return 0
        } catch {
            FileHandle.standardError.write(Data("liaison: \(error)\n".utf8))
            return 2
        }
    }
}

public enum LiaisonVersion {
    public static let string = "0.1.0"
}
