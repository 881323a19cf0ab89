import Foundation
import LiaisonFuzzTargets

// Built by scripts/fuzz with -sanitize=fuzzer and -D LIAISON_FUZZ: main hands control to
// libFuzzer's driver, which calls the target for every input; LIAISON_FUZZ_TARGET picks the
// target. Built normally (swift build), it replays files: `liaison-fuzz TARGET FILE...`.

#if LIAISON_FUZZ
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

nonisolated(unsafe) let fuzzTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["LIAISON_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        FileHandle.standardError.write(Data("set LIAISON_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return target
}()

/// libFuzzer's entry point (its own main, when the link picks that one, calls it too). A
/// finding must crash here: that is how libFuzzer learns of it and keeps the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    do {
        try fuzzTarget.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    } catch {
        FileHandle.standardError.write(Data("fuzz \(fuzzTarget.rawValue): \(error)\n".utf8))
        abort()
    }
    return 0
}

@main
struct FuzzMain {
    static func main() {
        _ = fuzzTarget
        do {
            try fuzzTarget.prepare()
        } catch {
            FileHandle.standardError.write(Data("fuzz \(fuzzTarget.rawValue): cannot start: \(error)\n".utf8))
            exit(1)
        }
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
    }
}
#else
@main
struct Replay {
    static func main() {
        let args = CommandLine.arguments.dropFirst()
        guard let name = args.first, let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("usage: liaison-fuzz TARGET FILE... (TARGET: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")))\n".utf8))
            exit(2)
        }
        var findings = 0
        for path in args.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            do {
                try target.run([UInt8](data))
            } catch {
                findings += 1
                print("\(path): \(error)")
            }
        }
        print("replayed \(args.count - 1) input(s) through \(name): \(findings) finding(s)")
        exit(findings == 0 ? 0 : 1)
    }
}
#endif
