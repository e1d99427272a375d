import Foundation

/// Independent pieces of work run at the same time, for steps that are parallel inside but have serial
/// stretches (merging, sorting) during which the other piece keeps the second core busy.
enum Concurrently {
    static func run<A: Sendable, B: Sendable, C: Sendable>(_ first: @Sendable () -> A, _ second: @Sendable () -> B,
                                                           _ third: @Sendable () -> C) -> (A, B, C) {
        let results = ParallelMap.onAllCores([0, 1, 2]) { index -> Piece<A, B, C> in
            switch index {
            case 0: .first(first())
            case 1: .second(second())
            default: .third(third())
            }
        }
        guard case .first(let a) = results[0], case .second(let b) = results[1], case .third(let c) = results[2] else {
            preconditionFailure("ParallelMap returns results in input order")
        }
        return (a, b, c)
    }

    private enum Piece<A: Sendable, B: Sendable, C: Sendable>: Sendable {
        case first(A), second(B), third(C)
    }
}
