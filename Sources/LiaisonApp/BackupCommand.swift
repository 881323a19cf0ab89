import LiaisonConfig
import Foundation
import LiaisonStore

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
