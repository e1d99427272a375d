// libFuzzer target: arbitrary bytes through every deployed-configuration reader (every kind of
// DeploymentReaders.all). Readers may reject input with a DeploymentReadError, never crash or hang;
// `audreg import` of the same bytes writes files that load.
// Built by scripts/fuzz.sh against the AudregCore target.
@testable import AudregCore

public func fuzzConfigReaders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for kind in DeploymentKind.allCases {
        let reader = DeploymentReaders.reader(for: kind)
        if let config = try? reader.read(bytes, file: "fuzz.yaml") {
            for provider in config.providers {
                precondition(provider.location.line >= 1 && provider.location.column >= 1, "positions are 1-based")
                // Federation trusts (aws-iam-trust-policy, vault-jwt-role): the wildcard analysis runs on
                // every pattern a reader gives.
                for pattern in provider.trust?.conditions.flatMap(\.patterns) ?? [] {
                    _ = FederationSubject.unpinnedReason(pattern)
                }
            }
        }
    }
    // What `audreg import` writes from any input loads back as YAML: config values are data, never structure.
    let plan = RegistryImport().plan([RegistryImport.Input(display: "deploy/fuzz.yaml", absolutePath: "/repo/deploy/fuzz.yaml", bytes: bytes)],
                                     outDirectory: "/repo/registry")
    let loaded = RegistryLoader().load(sources: plan.files.map { (path: $0.path, bytes: Array($0.contents.utf8)) })
    precondition(!loaded.findings.contains { [LoaderRuleID.yamlSyntax, LoaderRuleID.duplicateKey].contains($0.ruleID) }, "import wrote YAML that does not load")
    precondition(plan.files.isEmpty || loaded.registry.services.count == plan.serviceCount, "import wrote services that do not load")
    return 0
}
