import Foundation
import Testing

/// Runs the built `liaison` executable, as a user or a script would.
struct LiaisonProcess {
    struct Result {
        var stdout: String
        var stderr: String
        var status: Int32
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    /// The executable next to the test bundle (`swift build` puts both in one folder).
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["LIAISON_BIN"] { return URL(fileURLWithPath: path) }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("liaison")
            if FileManager.default.isExecutableFile(atPath: candidate.path),
               !candidate.hasDirectoryPath { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/liaison")
    }

    /// A fresh folder with a bot.conf whose [broker] section gets `broker` lines.
    static func workspace(broker: String = "", extra: String = "") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let conf = """
            [bot]
            state = state.db
            admins = console:admin
            log_level = warning

            [broker]
            \(broker)

            [console]
            enabled = yes
            \(extra)
            """
        try conf.write(to: dir.appendingPathComponent("bot.conf"), atomically: true, encoding: .utf8)
        return dir
    }

    /// Runs `liaison ARGS` with `input` on stdin until it exits.
    static func run(_ args: [String], in dir: URL, input: String) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = args
        process.currentDirectoryURL = dir
        let out = dir.appendingPathComponent("stdout-\(UUID().uuidString)")
        let err = dir.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        return Result(stdout: try String(contentsOf: out, encoding: .utf8), stderr: try String(contentsOf: err, encoding: .utf8),
                      status: process.terminationStatus)
    }

    /// `liaison --config bot.conf` in `dir` with a console script.
    static func console(_ script: String, in dir: URL) throws -> Result {
        try run(["--config", "bot.conf"], in: dir, input: script)
    }
}

extension Array where Element == String {
    func to(_ target: String) -> [String] { filter { $0.hasPrefix("-> \(target): ") } }
    func containing(_ text: String) -> [String] { filter { $0.lowercased().contains(text.lowercased()) } }
}
