import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One request to the homeserver, as the client decided it; the transport only carries it.
struct MatrixRequest: Sendable, Equatable {
    var method: HTTPMethod
    var path: String
    var query: [String: String] = [:]
    var body: Data?
    var accessToken: String?
    var timeout: TimeAmount = .seconds(30)
}

/// What came back: the status, `Retry-After` (for 429s), and the body as it arrived.
struct MatrixResponse: Sendable {
    var status: Int
    var retryAfter: String?
    var body: Data

    init(status: Int, retryAfter: String? = nil, body: Data) {
        self.status = status
        self.retryAfter = retryAfter
        self.body = body
    }
}

/// Where the client meets the network. Everything the client decides (what to ask, what an
/// answer means, what it tells its host) stays in the client, so a test can answer in the
/// homeserver's place with recorded responses.
protocol MatrixTransport: Sendable {
    func exchange(_ request: MatrixRequest) async throws -> MatrixResponse
}

/// The homeserver over HTTP(S).
struct HTTPTransport: MatrixTransport {
    let homeserver: String
    var http: HTTPClient = .shared

    func exchange(_ request: MatrixRequest) async throws -> MatrixResponse {
        var components = URLComponents(string: homeserver + request.path)
        if !request.query.isEmpty {
            components?.queryItems = request.query.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        }
        guard let url = components?.url?.absoluteString else { throw MatrixError.badResponse("bad URL for \(request.path)") }
        var outgoing = HTTPClientRequest(url: url)
        outgoing.method = request.method
        if let token = request.accessToken { outgoing.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body = request.body {
            outgoing.headers.add(name: "Content-Type", value: "application/json")
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        let (status, headers, bytes) = try await Self.exchange(http, outgoing, timeout: request.timeout, path: request.path)
        return MatrixResponse(status: Int(status.code), retryAfter: headers.first(name: "Retry-After"),
                              body: Data(bytes.readableBytesView))
    }

    /// One request and its whole answer within `timeout`, whatever the server does: a
    /// server that sends the head and then trickles the body is cut off too.
    static func exchange(_ http: HTTPClient, _ request: HTTPClientRequest, timeout: TimeAmount,
                         path: String) async throws -> (HTTPResponseStatus, HTTPHeaders, ByteBuffer) {
        try await withThrowingTaskGroup(of: (HTTPResponseStatus, HTTPHeaders, ByteBuffer)?.self) { group in
            group.addTask {
                let response = try await http.execute(request, timeout: timeout)
                let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
                return (response.status, response.headers, bytes)
            }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(max(timeout.nanoseconds, 0)) + 1_000_000_000)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let answer = first else {
                throw MatrixError.timedOut(String(path.split(separator: "?").first ?? ""))
            }
            return answer
        }
    }
}
