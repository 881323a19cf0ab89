import ArgumentParser
import Foundation
import LiaisonApp
import LiaisonCore

/// The `liaison` command line (SPEC §8). Thin: the work is in LiaisonApp.
@main
struct LiaisonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "liaison",
        abstract: "Liaison, an introduction broker for chat communities.",
        version: LiaisonVersion.string,
        subcommands: [Run.self, CheckConfig.self, Backup.self, Version.self],
        defaultSubcommand: Run.self
    )

    /// Bad command lines exit 2, as bad configuration does (ArgumentParser would use 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // A subcommand's own exit code: nothing more to print (stdout carries only the
            // bot's messages, SPEC §7).
            if let code = error as? ExitCode { Foundation.exit(code.rawValue) }
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            if let code = error as? ExitCode { Foundation.exit(code.rawValue) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the bot (the default).")

    @Option(name: .long, help: "The configuration file.")
    var config = "bot.conf"

    func run() async throws {
        throw ExitCode(await LiaisonRunner.run(configPath: config))
    }
}

/// `liaison version`, as people type it beside `--version`.
struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print Liaison's version.")

    func run() throws {
        print(LiaisonVersion.string)
    }
}

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config", abstract: "Validate bot.conf and print the effective settings, secrets masked.")

    @Argument(help: "The configuration file.")
    var path = "bot.conf"

    func run() throws {
        throw ExitCode(ConfigCheck.run(path: path))
    }
}

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the state file to PATH while the bot runs (SQLite's backup API); see the README to restore.")

    @Argument(help: "Where to write the copy (must not exist).")
    var path: String

    @Option(name: .long, help: "The configuration file that names the state file.")
    var config = "bot.conf"

    func run() throws {
        throw ExitCode(BackupCommand.run(configPath: config, destination: path))
    }
}
