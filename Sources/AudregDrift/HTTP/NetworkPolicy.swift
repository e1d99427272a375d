import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import AudregCore

/// An IPv4 (4 bytes) or IPv6 (16 bytes) address, parsed without touching the network.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// A numeric address as `inet_pton` reads it: dotted quads only for IPv4 (no `0x7f.1` or `2130706433`,
    /// which `getaddrinfo` would accept; those are resolved like names and checked after resolution).
    /// Brackets around an IPv6 literal and a zone (`%eth0`) are dropped.
    public init?(_ text: String) {
        var literal = text
        if literal.hasPrefix("["), literal.hasSuffix("]") { literal = String(literal.dropFirst().dropLast()) }
        if let percent = literal.firstIndex(of: "%") { literal = String(literal[..<percent]) }
        var v4 = [UInt8](repeating: 0, count: 4)
        if inet_pton(AF_INET, literal, &v4) == 1 {
            bytes = v4
            return
        }
        var v6 = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET6, literal, &v6) == 1 {
            bytes = v6
            return
        }
        return nil
    }

    public var isIPv4: Bool { bytes.count == 4 }

    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        var copy = bytes
        guard inet_ntop(AF_INET6, &copy, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// An address range written `10.0.0.0/8` or `fc00::/7`; a bare address is a /32 or /128.
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
    public let network: IPAddress
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(parts[0])), !parts[0].contains("%") else { return nil }
        let width = address.bytes.count * 8
        var length = width
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), parts[1].utf8.count <= 3,
                  let value = Int(parts[1]), value <= width else { return nil }
            length = value
        }
        self.init(address, prefixLength: length)
    }

    init(_ address: IPAddress, prefixLength: Int) {
        // Host bits are cleared, so `10.1.2.3/8` means 10.0.0.0/8.
        var masked = address.bytes
        for index in masked.indices {
            let bitsHere = max(0, min(8, prefixLength - index * 8))
            masked[index] &= bitsHere == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bitsHere))
        }
        network = IPAddress(bytes: masked)!
        self.prefixLength = prefixLength
    }

    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == network.bytes.count else { return false }
        return CIDR(address, prefixLength: prefixLength).network == network
    }

    public var description: String { "\(network)/\(prefixLength)" }
}

/// Which addresses drift and explain may connect to. By default only public unicast addresses: a registry
/// comes from pull requests, and a URL in it must not make a CI runner probe its own network (the cloud
/// metadata service at 169.254.169.254, an admin port on 127.0.0.1, hosts in 10.0.0.0/8). Users opt in
/// with `--allow-loopback` and `--allow-network CIDR`.
public struct NetworkPolicy: Sendable, Hashable {
    public var allowLoopback = false
    public var allowedNetworks: [CIDR] = []

    public init(allowLoopback: Bool = false, allowedNetworks: [CIDR] = []) {
        self.allowLoopback = allowLoopback
        self.allowedNetworks = allowedNetworks
    }

    /// Everything, for tests that serve from 127.0.0.1 and need no policy.
    public static let loopbackAllowed = NetworkPolicy(allowLoopback: true)

    public enum Kind: String, Sendable, Hashable {
        case loopback, `private`, linkLocal, sharedCGNAT, unspecified, multicast, broadcast, reserved, nat64Local

        public var phrase: String {
            switch self {
            case .loopback: return "a loopback address"
            case .private: return "a private address"
            case .linkLocal: return "a link-local address"
            case .sharedCGNAT: return "a carrier-grade NAT (shared) address"
            case .unspecified: return "an unspecified address"
            case .multicast: return "a multicast address"
            case .broadcast: return "the broadcast address"
            case .reserved: return "a reserved address"
            case .nat64Local: return "a local-use NAT64 address"
            }
        }
    }

    /// A blocked range: its kind and its name, e.g. `10.0.0.0/8`.
    public struct Range: Sendable, Hashable {
        public var cidr: CIDR
        public var kind: Kind
    }

    public static let blockedIPv4: [Range] = ([
        ("0.0.0.0/8", .unspecified), ("127.0.0.0/8", .loopback),
        ("10.0.0.0/8", .private), ("172.16.0.0/12", .private), ("192.168.0.0/16", .private),
        ("169.254.0.0/16", .linkLocal), ("100.64.0.0/10", .sharedCGNAT),
        ("192.0.0.0/24", .reserved), ("198.18.0.0/15", .reserved),
        ("224.0.0.0/4", .multicast), ("255.255.255.255/32", .broadcast), ("240.0.0.0/4", .reserved),
    ] as [(String, Kind)]).map { Range(cidr: CIDR($0.0)!, kind: $0.1) }

    public static let blockedIPv6: [Range] = ([
        ("::/128", .unspecified), ("::1/128", .loopback), ("fc00::/7", .private), ("fec0::/10", .private),
        ("fe80::/10", .linkLocal), ("ff00::/8", .multicast), ("64:ff9b:1::/48", .nat64Local), ("100::/64", .reserved),
    ] as [(String, Kind)]).map { Range(cidr: CIDR($0.0)!, kind: $0.1) }

    /// Why an address may not be connected to.
    public struct Block: Sendable, Hashable {
        public var address: IPAddress
        public var kind: Kind
        public var range: CIDR
        /// How the IPv4 address was carried in IPv6, e.g. "IPv4-mapped", when it was.
        public var embedding: String?

        public var hint: String {
            kind == .loopback
                ? "pass --allow-loopback (or --allow-network \(range)) to allow it"
                : "pass --allow-network \(range) to allow it"
        }
    }

    public enum Verdict: Sendable, Hashable {
        case allowed
        case blocked(Block)
    }

    /// Pure: no socket, no lookup. A user's allowed range wins over every built-in block; an IPv4 address
    /// carried in IPv6 (mapped, compatible, NAT64, 6to4, Teredo) is judged as the IPv4 address it reaches.
    public func check(_ address: IPAddress) -> Verdict {
        let embedded = Self.embeddedIPv4(address)
        let forms = [address] + embedded.map(\.address)
        if allowedNetworks.contains(where: { network in forms.contains { network.contains($0) } }) { return .allowed }
        guard let block = Self.classify(address) else { return .allowed }
        if block.kind == .loopback && allowLoopback { return .allowed }
        return .blocked(block)
    }

    /// The built-in block for an address, ignoring what the user allows; nil for a public unicast address.
    public static func classify(_ address: IPAddress) -> Block? {
        if address.isIPv4 {
            return blockedIPv4.first { $0.cidr.contains(address) }.map { Block(address: address, kind: $0.kind, range: $0.cidr) }
        }
        if let range = blockedIPv6.first(where: { $0.cidr.contains(address) }) {
            return Block(address: address, kind: range.kind, range: range.cidr)
        }
        for (v4, how) in embeddedIPv4(address) {
            if let range = blockedIPv4.first(where: { $0.cidr.contains(v4) }) {
                return Block(address: address, kind: range.kind, range: range.cidr, embedding: how)
            }
        }
        return nil
    }

    static let mapped = CIDR("::ffff:0:0/96")!
    static let compatible = CIDR("::/96")!
    static let nat64 = CIDR("64:ff9b::/96")!
    static let sixToFour = CIDR("2002::/16")!
    static let teredo = CIDR("2001::/32")!

    /// IPv4 addresses an IPv6 address leads to, with the name of the mechanism.
    static func embeddedIPv4(_ address: IPAddress) -> [(address: IPAddress, how: String)] {
        guard !address.isIPv4 else { return [] }
        let b = address.bytes
        if mapped.contains(address) { return [(IPAddress(bytes: Array(b[12..<16]))!, "IPv4-mapped")] }
        if compatible.contains(address) { return [(IPAddress(bytes: Array(b[12..<16]))!, "IPv4-compatible")] }
        if nat64.contains(address) { return [(IPAddress(bytes: Array(b[12..<16]))!, "NAT64")] }
        if sixToFour.contains(address) { return [(IPAddress(bytes: Array(b[2..<6]))!, "6to4")] }
        if teredo.contains(address) {
            // RFC 4380 §4: the server's address in clear, the client's obfuscated by XOR with 0xff.
            return [(IPAddress(bytes: Array(b[4..<8]))!, "Teredo server"), (IPAddress(bytes: b[12..<16].map { $0 ^ 0xFF })!, "Teredo client")]
        }
        return []
    }

    /// The finding text for a blocked connection. `host` is the URL's host; when it is a name, the address
    /// it resolved to is not printed (it would tell a pull request's author the runner's internal DNS).
    public static func message(_ block: Block, host: String) -> String {
        let via = block.embedding.map { " (\($0))" } ?? ""
        if IPAddress(host) != nil {
            return "not fetched: \(block.address) is \(block.kind.phrase)\(via) in \(block.range), blocked by the network policy; \(block.hint)"
        }
        return "not fetched: \(host) resolves to \(block.kind.phrase)\(via) in \(block.range), blocked by the network policy; \(block.hint)"
    }
}

/// Name resolution done once, by drift itself, so the address checked is the address connected to.
public enum AddressResolver {
    public enum Failure: Error, Sendable { case noAddress, timedOut }

    /// `getaddrinfo` on a thread of its own, given up after `timeout` (a lookup cannot be cancelled, so a
    /// slow resolver is left to finish in the background); IP literals come back unchanged without a lookup.
    public static func resolve(_ host: String, timeout: Duration = .seconds(10)) async -> Result<[IPAddress], Failure> {
        if let literal = IPAddress(host) { return .success([literal]) }
        // getaddrinfo cannot be cancelled, so it runs on a thread of its own and the answer races the
        // timeout: both go into a stream that keeps only the first and ignores what comes after finish().
        let (answers, answer) = AsyncStream.makeStream(of: Result<[IPAddress], Failure>.self, bufferingPolicy: .bufferingOldest(1))
        Thread {
            answer.yield(resolveBlocking(host))
            answer.finish()
        }.start()
        let nanos = max(0, timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanos))) {
            answer.yield(.failure(.timedOut))
            answer.finish()
        }
        var first = answers.makeAsyncIterator()
        return await first.next() ?? .failure(.timedOut)
    }

    static func resolveBlocking(_ host: String) -> Result<[IPAddress], Failure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return .failure(.noAddress) }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let sockaddr = entry.pointee.ai_addr {
                switch Int32(entry.pointee.ai_family) {
                case AF_INET:
                    sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        var raw = pointer.pointee.sin_addr
                        addresses.append(IPAddress(bytes: withUnsafeBytes(of: &raw) { Array($0) })!)
                    }
                case AF_INET6:
                    sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        var raw = pointer.pointee.sin6_addr
                        addresses.append(IPAddress(bytes: withUnsafeBytes(of: &raw) { Array($0) })!)
                    }
                default:
                    break
                }
            }
            cursor = entry.pointee.ai_next
        }
        var unique: [IPAddress] = []
        for address in addresses where !unique.contains(address) { unique.append(address) }
        return unique.isEmpty ? .failure(.noAddress) : .success(unique)
    }
}
