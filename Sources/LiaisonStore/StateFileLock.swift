import Foundation

/// One bot process per state file (SPEC §4): an exclusive `flock` on `STATE.lock`, beside
/// the state file, held for the life of the process. The file holds the owner's PID so a
/// second process can say who has it. The kernel drops the lock when the owner dies, so a
/// `kill -9` never leaves a stale lock behind. `backup` and `check-config` do not take it.
public final class StateFileLock {
    public let path: String
    private let fd: Int32

    /// The state file is in use by another process.
    public struct InUse: Error, CustomStringConvertible {
        public let statePath: String
        public let pid: Int32?
        public var description: String {
            "another Liaison\(pid.map { " (PID \($0))" } ?? "") is already running on the state file \(statePath); stop it first, or give this one a state file of its own"
        }
    }

    public init(statePath: String) throws {
        path = statePath + ".lock"
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw StoreError("cannot create the lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.readPID(fd)
            close(fd)
            throw InUse(statePath: statePath, pid: holder)
        }
        self.fd = fd
        let pid = Data("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit { close(fd) }

    static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
