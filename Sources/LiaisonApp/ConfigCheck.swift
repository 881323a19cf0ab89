import Foundation
import LiaisonStore

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

/// `liaison backup PATH [--config FILE]`: an online copy of the configured state file.
public enum BackupCommand {
    public static func run(configPath: String, destination: String) -> Int32 {
        do {
            let config = try ConfigLoader.load(path: configPath)
            let summary = try StateBackup.copy(statePath: config.statePath, to: destination)
            print("Backed up \(config.statePath) to \(destination): \(summary.people) people, \(summary.topics) topics, \(summary.bytes) bytes, integrity ok.")
            return 0
        } catch {
            FileHandle.standardError.write(Data("liaison: backup failed: \(error)\n".utf8))
            return error is ConfigError ? 2 : 1
        }
    }
}

public enum LiaisonVersion {
    public static let string = "0.1.0"
}
