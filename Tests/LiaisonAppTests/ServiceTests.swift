import Foundation
import Logging
import Testing
@testable import LiaisonApp
@testable import LiaisonConfig
#if canImport(Glibc)
import Glibc
#endif

/// Running as a service (issue 14 §4): the new bot.conf keys, the sd_notify datagram, the
/// readiness rules and the JSON log lines. The whole process is tested in Tests/e2e/test_service.py.
@Suite struct ServiceConfigTests: ConfigFixture {
    @Test func metricsListenAndLogFormatAreReadAndPrintedBack() throws {
        let config = try parse("[bot]\nlog_format = JSON\n\n[metrics]\nlisten = 127.0.0.1:9464\n")
        #expect(config.logFormat == .json)
        #expect(config.metricsListen == ListenAddress(host: "127.0.0.1", port: 9464))
        let again = try parse(config.effectiveSettings())
        #expect(again == config)
        #expect(try parse("[metrics]\nlisten = [::1]:9464\n").metricsListen == ListenAddress(host: "::1", port: 9464))
        #expect(try parse("[metrics]\nlisten = localhost:80\n").metricsListen?.description == "localhost:80")
    }

    @Test func metricsAreOffAndLogsAreTextByDefault() throws {
        let config = try parse("[bot]\n")
        #expect(config.metricsListen == nil)
        #expect(config.logFormat == .text)
        #expect(!config.effectiveSettings().contains("[metrics]"))
        #expect(try parse("[metrics]\n").metricsListen == nil)
    }

    @Test func badValuesNameTheLineAndTheForm() {
        expectError("[bot]\nlog_format = yaml\n", line: 2, "log_format: expected text or json", "\"yaml\"")
        expectError("[metrics]\n\nlisten = 9464\n", line: 3, "listen: expected HOST:PORT", "127.0.0.1:9464", "\"9464\"")
        expectError("[metrics]\nlisten = 127.0.0.1:99999\n", line: 2, "listen: expected HOST:PORT")
        expectError("[metrics]\nlisten = ::1:9464\n", line: 2, "[::1]:9464")
        expectError("[metrics]\nlisten = http://127.0.0.1:9464\n", line: 2, "listen: expected HOST:PORT")
        expectError("[metrics]\nport = 9464\n", line: 2, "unknown key \"port\" in [metrics]")
    }
}

@Suite struct SystemdNotifierTests {
    /// A datagram socket like systemd's: bound to `name` (a path, or `@` for an abstract name).
    final class FakeSystemd {
        let fd: Int32
        init(_ name: String) throws {
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            var bytes = Array(name.utf8)
            if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
            let length = socklen_t(2 + bytes.count + (name.hasPrefix("@") ? 0 : 1))
            let rc = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
            guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EINVAL) }
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        deinit { close(fd) }

        func receive() -> String? {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = recv(fd, &buffer, buffer.count, 0)
            return n < 0 ? nil : String(decoding: buffer[..<n], as: UTF8.self)
        }
    }

    @Test func readyReachesAPathSocket() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8))").path
        defer { unlink(path) }
        let systemd = try FakeSystemd(path)
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": path]))
        #expect(notifier.notify("READY=1\nSTATUS=connected: libera"))
        #expect(systemd.receive() == "READY=1\nSTATUS=connected: libera")
    }

    @Test func readyReachesAnAbstractSocket() throws {
        let name = "@liaison-test-\(UUID().uuidString.prefix(8))"
        let systemd = try FakeSystemd(name)
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": name]))
        #expect(notifier.notify("WATCHDOG=1"))
        #expect(systemd.receive() == "WATCHDOG=1")
        // The same name without the '@' is another (path) socket, which does not exist.
        #expect(!SystemdNotifier(environment: ["NOTIFY_SOCKET": String(name.dropFirst())])!.notify("READY=1"))
    }

    @Test func watchdogFollowsUSecAndPID() {
        #expect(SystemdNotifier(environment: [:]) == nil)
        let on = SystemdNotifier(environment: ["NOTIFY_SOCKET": "@x", "WATCHDOG_USEC": "3000000"], pid: 42)
        #expect(on?.watchdogInterval == .seconds(3))
        #expect(on?.pingInterval == .milliseconds(1500))
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "@x", "WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "42"], pid: 42)?.watchdogInterval == .seconds(3))
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "@x", "WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "7"], pid: 42)?.watchdogInterval == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "@x", "WATCHDOG_USEC": "soon"], pid: 42)?.watchdogInterval == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "@x"], pid: 42)?.watchdogInterval == nil)
    }
}

@Suite struct HealthTests {
    @Test func readyOnlyWhenEveryNetworkIsUpStartedWhenTheFirstIs() {
        var health = Health(networks: ["libera", "matrix"])
        #expect(!health.isStarted && !health.isReady)
        health.stateOpen = true
        #expect(!health.isStarted && !health.isReady)
        #expect(health.set("libera", up: true) == false)
        #expect(health.isStarted && !health.isReady)
        #expect(health.summary == "connected: libera; waiting for: matrix")
        _ = health.set("matrix", up: true)
        #expect(health.isReady)
        _ = health.set("libera", up: false)
        #expect(!health.isReady && health.isStarted)
        #expect(health.set("libera", up: true) == true, "coming back is a reconnect")
        #expect(health.set("libera", up: true) == false, "told twice, counted once")
        #expect(health.set("elsewhere", up: true) == false)
        #expect(health.isReady)
    }

    @Test func theConsoleAloneIsReadyOnceTheStateFileIsOpen() {
        var health = Health(networks: [])
        #expect(!health.isReady)
        health.stateOpen = true
        #expect(health.isReady && health.isStarted)
    }
}

@Suite struct JSONLogTests {
    @Test func eachEventIsOneParsableObject() throws {
        let hostile = "line one\nline two \"quoted\" \\ \u{01}\u{7F} \u{2028} né"
        let text = JSONLogHandler.line(time: Date(timeIntervalSince1970: 1_700_000_000.25), level: .warning, label: "liaison",
                                       message: hostile, metadata: ["network": "libera", "ids": .array(["1", "2"]), "message": "shadow"])
        #expect(text.hasSuffix("}\n"))
        #expect(text.dropLast().split(separator: "\n").count == 1, "a newline in a message never splits the line")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["message"] as? String == hostile)
        #expect(object["level"] as? String == "warning")
        #expect(object["label"] as? String == "liaison")
        #expect(object["time"] as? String == "2023-11-14T22:13:20.250Z")
        #expect(object["network"] as? String == "libera")
        #expect(object["ids"] as? [String] == ["1", "2"])
    }
}
