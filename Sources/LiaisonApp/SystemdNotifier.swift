import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// systemd's sd_notify protocol, by hand: one datagram of `KEY=VALUE` lines to the AF_UNIX
/// socket in `$NOTIFY_SOCKET` (a path, or an abstract name written with a leading `@`).
/// Without `$NOTIFY_SOCKET` (not started by systemd with Type=notify) it does nothing.
struct SystemdNotifier: Sendable {
    /// The socket address as given in `$NOTIFY_SOCKET`.
    let socketPath: String
    /// How often systemd wants WATCHDOG=1 (`$WATCHDOG_USEC`), when the watchdog is on for this process.
    let watchdogInterval: Duration?

    /// From the environment; nil when there is no socket to notify.
    init?(environment: [String: String] = ProcessInfo.processInfo.environment, pid: Int32 = getpid()) {
        guard let path = environment["NOTIFY_SOCKET"], !path.isEmpty else { return nil }
        socketPath = path
        watchdogInterval = Self.watchdogInterval(environment: environment, pid: pid)
    }

    /// `$WATCHDOG_USEC`, honoured only when `$WATCHDOG_PID` is unset or names this process
    /// (as sd_watchdog_enabled does).
    static func watchdogInterval(environment: [String: String], pid: Int32) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let owner = environment["WATCHDOG_PID"], !owner.isEmpty, Int32(owner) != pid { return nil }
        return .microseconds(Int64(min(usec, UInt64(Int64.max))))
    }

    /// How often to ping: half the interval, as sd_watchdog_enabled(3) advises.
    var pingInterval: Duration? { watchdogInterval.map { $0 / 2 } }

    /// Sends `state` (e.g. "READY=1\nSTATUS=connected"); false when the datagram could not be sent.
    @discardableResult
    func notify(_ state: String) -> Bool {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        let abstract = path.first == UInt8(ascii: "@")
        if abstract { path[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        // A path needs room for its terminating NUL; an abstract name has none.
        guard path.count + (abstract ? 0 : 1) <= capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path)
        }
        let length = socklen_t((MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path) ?? 2) + path.count + (abstract ? 0 : 1))
        #if canImport(Darwin)
        let fd = socket(AF_UNIX, SOCK_DGRAM, 0)
        #else
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, 0, sa, length) }
            }
        }
        return sent == bytes.count
    }
}
