import ArgumentParser
import AudregCore
import AudregSite
import AudregDrift
import AudregExplain
import AudregExport
import AudregTestSupport

/// `--allow-loopback` and `--allow-network`, shared by drift and explain: the registry's URLs come from
/// pull requests, so by default only public unicast addresses are connected to.
struct NetworkOptions: ParsableArguments {
    @Flag(help: "Allow connections to loopback addresses (127.0.0.0/8, ::1), e.g. for a local test issuer.")
    var allowLoopback = false

    @Option(name: .customLong("allow-network"),
            help: ArgumentHelp("Allow connections to this address range (CIDR, e.g. 10.20.0.0/16); repeatable. Wins over the built-in blocks of loopback, private, link-local, CGNAT, multicast and reserved ranges.",
                               valueName: "CIDR"))
    var allowNetwork: [String] = []

    func policy() throws -> NetworkPolicy {
        var networks: [CIDR] = []
        for text in allowNetwork {
            guard let cidr = CIDR(text) else {
                throw ValidationError("--allow-network '\(text)' is not an address range; write it as 10.20.0.0/16 or fd00::/8")
            }
            networks.append(cidr)
        }
        return NetworkPolicy(allowLoopback: allowLoopback, allowedNetworks: networks)
    }

    func validate() throws { _ = try policy() }
}
