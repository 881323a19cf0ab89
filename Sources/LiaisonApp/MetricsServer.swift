import LiaisonConfig
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle

/// `[metrics] listen`: a small HTTP/1.1 server with /metrics (Prometheus text), /healthz (the
/// process answers) and /readyz (the state file is open and every network is connected and
/// caught up). One request per connection; nothing else is served.
struct MetricsServer: Service {
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    struct Response: Sendable, Equatable {
        var status: HTTPResponseStatus
        var contentType = "text/plain; charset=utf-8"
        var body: String
    }

    let server: NIOAsyncChannel<Connection, Never>
    let engine: Engine
    let registry: PrometheusCollectorRegistry
    let logger: Logger

    /// Binds now, so a port in use is one clear error before the bot starts.
    static func bind(_ address: ListenAddress, engine: Engine, registry: PrometheusCollectorRegistry, logger: Logger) async throws -> MetricsServer {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: address.host, port: address.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        logger.info("metrics: serving /metrics, /healthz and /readyz on http://\(address)")
        return MetricsServer(server: server, engine: engine, registry: registry, logger: logger)
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await server.executeThenClose { connections in
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await connection in connections {
                            group.addTask { await serve(connection) }
                        }
                    }
                }
            }
        } catch is CancellationError {
            return
        }
    }

    private func serve(_ connection: Connection) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                for try await part in inbound {
                    switch part {
                    case .head(let h): head = h
                    case .body: continue
                    case .end:
                        guard let head else { return }
                        let response = await respond(method: head.method, uri: head.uri)
                        var headers = HTTPHeaders()
                        headers.add(name: "Content-Type", value: response.contentType)
                        headers.add(name: "Content-Length", value: String(response.body.utf8.count))
                        headers.add(name: "Connection", value: "close")
                        try await outbound.write(.head(HTTPResponseHead(version: head.version, status: response.status, headers: headers)))
                        if head.method != .HEAD { try await outbound.write(.body(.byteBuffer(ByteBuffer(string: response.body)))) }
                        try await outbound.write(.end(nil))
                        return
                    }
                }
            }
        } catch {
            logger.debug("metrics: a connection ended: \(error)")
        }
    }

    func respond(method: HTTPMethod, uri: String) async -> Response {
        guard method == .GET || method == .HEAD else {
            return Response(status: .methodNotAllowed, body: "GET only\n")
        }
        let path = uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? uri
        switch path {
        case "/metrics":
            await engine.refreshGauges()
            return Response(status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: registry.emitToString())
        case "/healthz":
            // An answer from the engine, not only from this server: a wedged engine is not alive.
            _ = await engine.health
            return Response(status: .ok, body: "ok\n")
        case "/readyz":
            let health = await engine.health
            return Response(status: health.isReady ? .ok : .serviceUnavailable, body: (health.isReady ? "ready: " : "not ready: ") + health.summary + "\n")
        default:
            return Response(status: .notFound, body: "not found; try /metrics, /healthz or /readyz\n")
        }
    }
}
