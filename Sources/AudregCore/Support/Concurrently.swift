import Foundation

/// Independent pieces of work run at the same time, for steps that are parallel inside but have serial
/// stretches (merging, sorting) during which the other piece keeps the second core busy.
enum Concurrently {
    static func run<A: Sendable, B: Sendable, C: Sendable>(_ first: @Sendable () -> A, _ second: @Sendable () -> B,
                                                           _ third: @Sendable () -> C) -> (A, B, C) {
        let results = ResultSlots<A, B, C>()
        DispatchQueue.concurrentPerform(iterations: 3) { index in
            switch index {
            case 0: results.first = first()
            case 1: results.second = second()
            default: results.third = third()
            }
        }
        // concurrentPerform returns after every iteration, so every slot is filled.
        return (results.first!, results.second!, results.third!)
    }
}

/// Each slot is written by exactly one iteration and read after all of them finished.
private final class ResultSlots<A, B, C>: @unchecked Sendable {
    var first: A?
    var second: B?
    var third: C?
}
