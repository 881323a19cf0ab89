import LiaisonConfig
import Foundation
import LiaisonCore

/// `liaison check-config [PATH]`: validate and print the effective settings.
public enum ConfigCheck {
    public static func run(path: String) -> Int32 {
        do {
            let config = try ConfigLoader.load(path: path, missingHint: "create it, or name another file: liaison check-config PATH")
            // The secrets a network needs must be readable now, not at the first connection.
            _ = try config.irc.map { try NetworkWiring.settings($0, version: LiaisonVersion.string) }
            _ = try config.matrix.map { try NetworkWiring.matrixSettings($0, botName: config.botName) }
            for irc in config.irc {
                if let cert = irc.clientCertFile, !FileManager.default.isReadableFile(atPath: cert) {
                    throw NetworkWiring.SecretError(description: "[irc.\(irc.name)]: cannot read the client certificate \(cert)")
                }
            }
            let text = "# \(config.filePath): valid\n"
            print(text + config.effectiveSettings(), terminator: config.effectiveSettings().hasSuffix("\n") ? "" : "\n")
            return 0
        } catch {
            FileHandle.standardError.write(Data("liaison: \(error)\n".utf8))
            return 2
        }
    }
}
