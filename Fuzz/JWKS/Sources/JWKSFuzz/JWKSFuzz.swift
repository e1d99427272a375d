// libFuzzer target: a published key set (JWKS body) through JWKSAnalyzer.parse and, when it is a key
// set, the whole analysis (jwt-kit key loading, swift-certificates for x5c); main.swift starts
// libFuzzer. Built by scripts/fuzz.sh as the package in Fuzz/JWKS.
import AudregKit
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
