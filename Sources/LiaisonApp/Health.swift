import Foundation

/// What /readyz and systemd's READY=1 are decided from: the state file, and the networks
/// that transports report up or down. The console is always up while it runs and is left
/// out when other networks exist (under systemd its stdin is /dev/null and ends at once).
struct Health: Sendable, Equatable {
    /// Networks that must be up, in config order.
    let networks: [String]
    var stateOpen = false
    private(set) var up: Set<String> = []
    /// Networks that were up once, so coming up again counts as a reconnect.
    private(set) var everUp: Set<String> = []

    init(networks: [String]) {
        self.networks = networks
    }

    /// Records a change; true when `network` came back after being lost (a reconnect).
    mutating func set(_ network: String, up isUp: Bool) -> Bool {
        guard networks.contains(network) else { return false }
        if isUp {
            guard !up.contains(network) else { return false }
            up.insert(network)
            return !everUp.insert(network).inserted
        }
        up.remove(network)
        return false
    }

    /// Every network connected and caught up, and the state file open (/readyz).
    var isReady: Bool { stateOpen && up.count == networks.count }

    /// The state file is open and a network is up (or there is no network to wait for):
    /// the bot serves someone, so systemd may call it started. Waiting for every network
    /// would let one unreachable homeserver fail the whole unit at TimeoutStartSec.
    var isStarted: Bool { stateOpen && (networks.isEmpty || !everUp.isEmpty) }

    /// One line for /readyz and systemd's STATUS=.
    var summary: String {
        guard stateOpen else { return "state file not open" }
        if networks.isEmpty { return "ready" }
        let down = networks.filter { !up.contains($0) }
        let upList = networks.filter { up.contains($0) }
        var parts: [String] = []
        if !upList.isEmpty { parts.append("connected: " + upList.joined(separator: ", ")) }
        if !down.isEmpty { parts.append("waiting for: " + down.joined(separator: ", ")) }
        return parts.joined(separator: "; ")
    }
}
