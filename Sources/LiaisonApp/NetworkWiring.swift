import LiaisonConfig
import Foundation
import LiaisonCore
import LiaisonIRC
import LiaisonMatrix

/// Turns `[irc.NAME]` and `[matrix.NAME]` sections into client settings, reading secrets from their files or
/// environment variables (never logged, never printed).
enum NetworkWiring {
    struct SecretError: Error, CustomStringConvertible {
        let description: String
    }

    static func read(_ source: SecretSource, section: String) throws -> String {
        switch source {
        case .file(let path):
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw SecretError(description: "[\(section)]: cannot read the secret file \(path)")
            }
            return text.trimmingCharacters(in: .newlines)
        case .environment(let name):
            guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
                throw SecretError(description: "[\(section)]: the environment variable \(name) is not set")
            }
            return value
        }
    }

    static func settings(_ c: IRCNetworkConfig, version: String) throws -> IRCClientSettings {
        let sasl: SASLMode
        switch c.sasl {
        case .none: sasl = .none
        case .external: sasl = .external
        case .plain:
            guard let account = c.account, let source = c.password else {
                throw SecretError(description: "[irc.\(c.name)]: sasl = plain needs account and password_file or password_env")
            }
            sasl = .plain(account: account, password: try read(source, section: "irc.\(c.name)"))
        }
        return IRCClientSettings(network: c.name, host: c.host, port: c.port, tls: c.tls, tlsVerify: c.tlsVerify, nick: c.nick,
                                 sasl: sasl, clientCertFile: c.clientCertFile, channels: c.channels,
                                 identityByNick: c.identity == .nick, listensToQuestions: c.listen == .questions,
                                 ignore: c.ignore, floodBurst: c.floodBurst, floodInterval: c.floodInterval,
                                 pingTimeout: c.pingTimeout, version: LiaisonVersion.string)
    }

    static func matrixSettings(_ c: MatrixNetworkConfig, botName: String) throws -> MatrixSettings {
        let password = try c.password.map { try read($0, section: "matrix.\(c.name)") }
        let token = try c.accessToken.map { try read($0, section: "matrix.\(c.name)") }
        return MatrixSettings(network: c.name, homeserver: c.homeserver, userID: c.userID, password: password, accessToken: token,
                              rooms: c.rooms, listensToQuestions: c.listen == .questions, ignore: c.ignore,
                              inviteFrom: c.inviteFrom, botName: botName)
    }
}
