// libFuzzer target: a published key set (JWKS body) through `--save`'s redaction (no secret member may
// survive), JWKSAnalyzer.parse and, when it is a key
// set, the whole analysis (jwt-kit key loading, swift-certificates for x5c); main.swift starts
// libFuzzer. Built by scripts/fuzz.sh as the package in Fuzz/JWKS.
import AudregCore
import AudregDrift
import Dispatch

/// Fixed inputs, so a finding reproduces on any day and machine.
private let analyzer = JWKSAnalyzer(
    allowedAlgorithms: ["RS256", "PS256", "ES256", "EdDSA"],
    allowedFrom: "policy's algorithms",
    today: Day(year: 2026, month: 12, day: 1)!,
    certificateWarnDays: 30
)

/// Carries the async result back to the fuzzer's thread; the semaphore orders the write before the read.
private final class Outcome: @unchecked Sendable {
    var result: Result<[KeyProblem], FetchFailure>?
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJWKS(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    checkSaving(bytes)
    guard case .success(let keys) = JWKSAnalyzer.parse(bytes) else { return 0 }
    // libFuzzer calls in on the main thread, outside Swift's cooperative pool, so blocking it here
    // cannot starve the task it waits for.
    let outcome = Outcome()
    let done = DispatchSemaphore(value: 0)
    Task {
        outcome.result = await analyzer.analyze(bytes)
        done.signal()
    }
    done.wait()
    switch outcome.result {
    case .success(let problems):
        precondition(!keys.isEmpty || !problems.isEmpty, "an empty key set is always reported")
        for problem in problems {
            precondition(problem.ruleID.hasPrefix("jwks-"), "rule ids name the JWKS rules")
        }
    case .failure(let failure):
        preconditionFailure("analyze refused a body that parse accepted: \(failure)")
    case nil:
        preconditionFailure("the analysis task did not finish")
    }
    return 0
}

/// What `drift --save` would write: strict JSON without a single secret member, at any depth.
private func checkSaving(_ bytes: [UInt8]) {
    guard case .redacted(let saved) = KeyMaterial.prepareForSaving(bytes) else { return }
    guard case .success(let node) = StrictJSON.parse(saved) else { preconditionFailure("a redacted body must be strict JSON") }
    precondition(onlyRedacted(node), "a secret member survived redaction")
}

private func onlyRedacted(_ node: StrictJSON.Node) -> Bool {
    switch node {
    case .object(let members):
        return members.allSatisfy { member in
            KeyMaterial.secretMembers.contains(member.name) ? member.value == .string("REDACTED") : onlyRedacted(member.value)
        }
    case .array(let items): return items.allSatisfy(onlyRedacted)
    default: return true
    }
}
