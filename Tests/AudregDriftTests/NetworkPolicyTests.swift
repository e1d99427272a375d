import Testing
@testable import AudregCore
@testable import AudregDrift
import AudregTestHelpers

/// The address classifier as a pure function: no socket is opened and no name is looked up, so every
/// range can be tested here without sending a packet anywhere (the machine's network rule).
@Suite("Network policy: which addresses may be connected to")
struct NetworkPolicyTests {
    static func kind(_ text: String, _ policy: NetworkPolicy = NetworkPolicy()) -> NetworkPolicy.Kind? {
        guard case .blocked(let block) = policy.check(IPAddress(text)!) else { return nil }
        return block.kind
    }

    @Test("every built-in IPv4 range is blocked by default, at both ends", arguments: [
        ("0.0.0.0", NetworkPolicy.Kind.unspecified), ("0.255.255.255", .unspecified),
        ("127.0.0.1", .loopback), ("127.255.255.254", .loopback),
        ("10.0.0.0", .private), ("10.255.255.255", .private),
        ("172.16.0.1", .private), ("172.31.255.255", .private),
        ("192.168.0.1", .private), ("192.168.255.255", .private),
        ("169.254.169.254", .linkLocal), ("169.254.0.0", .linkLocal),
        ("100.64.0.1", .sharedCGNAT), ("100.127.255.255", .sharedCGNAT),
        ("224.0.0.1", .multicast), ("239.255.255.255", .multicast),
        ("240.0.0.1", .reserved), ("255.255.255.254", .reserved),
        ("255.255.255.255", .broadcast),
        ("192.0.0.8", .reserved), ("198.18.0.1", .reserved), ("198.19.255.255", .reserved),
    ])
    func ipv4Blocked(address: String, expected: NetworkPolicy.Kind) {
        #expect(Self.kind(address) == expected, "\(address)")
    }

    @Test("public IPv4 addresses next to the blocked ranges are allowed", arguments: [
        "1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0", "192.167.255.255", "192.169.0.0",
        "169.253.255.255", "169.255.0.0", "100.63.255.255", "100.128.0.0", "223.255.255.255", "1.0.0.0", "128.0.0.1",
        "198.17.255.255", "198.20.0.0", "192.0.1.0",
    ])
    func ipv4Allowed(address: String) {
        #expect(NetworkPolicy().check(IPAddress(address)!) == .allowed, "\(address)")
    }

    @Test("IPv6 ranges, and IPv4 addresses carried in IPv6, are blocked as what they reach", arguments: [
        ("::", NetworkPolicy.Kind.unspecified), ("::1", .loopback),
        ("fc00::1", .private), ("fd12:3456::1", .private), ("fec0::1", .private),
        ("fe80::1", .linkLocal), ("febf::ffff", .linkLocal),
        ("ff02::1", .multicast), ("ff0e::1", .multicast),
        // IPv4-mapped and IPv4-compatible.
        ("::ffff:127.0.0.1", .loopback), ("::ffff:7f00:1", .loopback), ("::ffff:169.254.169.254", .linkLocal),
        ("::ffff:10.1.2.3", .private), ("::ffff:0.0.0.0", .unspecified), ("::ffff:255.255.255.255", .broadcast),
        ("::127.0.0.1", .loopback), ("::10.0.0.1", .private),
        // NAT64: the well-known prefix embeds the IPv4 address; the local-use /48 is blocked whole.
        ("64:ff9b::127.0.0.1", .loopback), ("64:ff9b::a9fe:a9fe", .linkLocal), ("64:ff9b::192.168.1.1", .private),
        ("64:ff9b:1::1", .nat64Local), ("64:ff9b:1:ffff::8.8.8.8", .nat64Local),
        // 6to4 embeds the IPv4 address in bits 16-47.
        ("2002:7f00:1::1", .loopback), ("2002:a9fe:a9fe::", .linkLocal), ("2002:c0a8:0101::1", .private),
        // Teredo: server in clear, client XOR 0xffff_ffff.
        ("2001:0:7f00:1::1", .loopback), ("2001:0:0808:0808::f5ff:fffe", .private),
    ])
    func ipv6Blocked(address: String, expected: NetworkPolicy.Kind) {
        #expect(Self.kind(address) == expected, "\(address)")
    }

    @Test("public IPv6 addresses and embeddings of public IPv4 addresses are allowed", arguments: [
        "2001:4860:4860::8888", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:0808:0808::1",
        "2001:0:0808:0808::f7f7:f7f7", "fe7f:ffff::1", "fbff::1",
    ])
    func ipv6Allowed(address: String) {
        #expect(NetworkPolicy().check(IPAddress(address)!) == .allowed, "\(address)")
    }

    @Test("--allow-loopback allows loopback only, in every form")
    func allowLoopback() {
        let policy = NetworkPolicy(allowLoopback: true)
        for address in ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1", "64:ff9b::127.0.0.1"] {
            #expect(policy.check(IPAddress(address)!) == .allowed, "\(address)")
        }
        for address in ["10.0.0.1", "169.254.169.254", "::ffff:10.0.0.1", "fe80::1", "0.0.0.0", "::"] {
            #expect(Self.kind(address, policy) != nil, "\(address)")
        }
    }

    @Test("--allow-network CIDR wins over the built-in blocks, for exactly its range")
    func allowNetwork() throws {
        let policy = NetworkPolicy(allowedNetworks: [try #require(CIDR("10.20.0.0/16")), try #require(CIDR("127.0.0.1/32")),
                                                     try #require(CIDR("fd00:1::/32"))])
        for address in ["10.20.0.1", "10.20.255.255", "127.0.0.1", "::ffff:10.20.3.4", "fd00:1::5"] {
            #expect(policy.check(IPAddress(address)!) == .allowed, "\(address)")
        }
        #expect(Self.kind("10.21.0.0", policy) == .private)
        #expect(Self.kind("127.0.0.2", policy) == .loopback)
        #expect(Self.kind("fd00:2::1", policy) == .private)
        #expect(Self.kind("169.254.169.254", policy) == .linkLocal)
    }

    @Test("CIDR parsing: host bits cleared, bad input refused")
    func cidrParsing() {
        #expect(CIDR("10.1.2.3/8")?.description == "10.0.0.0/8")
        #expect(CIDR("192.168.1.7")?.description == "192.168.1.7/32")
        #expect(CIDR("fd00::1/8")?.description == "fd00::/8")
        #expect(CIDR("0.0.0.0/0")?.contains(IPAddress("8.8.8.8")!) == true)
        #expect(CIDR("0.0.0.0/0")?.contains(IPAddress("::1")!) == false)
        for bad in ["", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0/8", "example.com/8",
                    "0x7f.0.0.1/32", "2130706433", "fe80::1%eth0/64", "10.0.0.0/8/8", "10.0.0.0/08x"] {
            #expect(CIDR(bad) == nil, "\(bad)")
        }
    }

    @Test("the message names the address, its range and the flag; a resolved name's address is not printed")
    func messages() throws {
        guard case .blocked(let literal) = NetworkPolicy().check(IPAddress("127.0.0.1")!) else { Issue.record("not blocked"); return }
        #expect(NetworkPolicy.message(literal, host: "127.0.0.1")
                == "not fetched: 127.0.0.1 is a loopback address in 127.0.0.0/8, blocked by the network policy; pass --allow-loopback (or --allow-network 127.0.0.0/8) to allow it")
        guard case .blocked(let metadata) = NetworkPolicy().check(IPAddress("169.254.169.254")!) else { Issue.record("not blocked"); return }
        let named = NetworkPolicy.message(metadata, host: "metadata.internal")
        #expect(named.contains("metadata.internal resolves to a link-local address in 169.254.0.0/16"))
        #expect(named.contains("--allow-network 169.254.0.0/16"))
        #expect(!named.contains("169.254.169.254"))
        guard case .blocked(let mapped) = NetworkPolicy().check(IPAddress("::ffff:10.0.0.1")!) else { Issue.record("not blocked"); return }
        #expect(NetworkPolicy.message(mapped, host: "[::ffff:10.0.0.1]").contains("(IPv4-mapped) in 10.0.0.0/8"))
    }

    @Test("IP literals are read strictly; forms getaddrinfo accepts are left to resolution")
    func literals() {
        #expect(IPAddress("127.0.0.1")?.bytes == [127, 0, 0, 1])
        #expect(IPAddress("[::1]")?.bytes.count == 16)
        #expect(IPAddress("0x7f.0.0.1") == nil)
        #expect(IPAddress("2130706433") == nil)
        #expect(IPAddress("127.1") == nil)
        #expect(IPAddress("localhost") == nil)
    }

    @Test("resolution: an IP literal comes back as written, without a lookup")
    func resolution() async throws {
        #expect(try await AddressResolver.resolve("127.0.0.1").get() == [IPAddress("127.0.0.1")!])
        #expect(try await AddressResolver.resolve("[::1]").get() == [IPAddress("::1")!])
    }
}
