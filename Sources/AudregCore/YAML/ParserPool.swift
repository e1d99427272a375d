import CYAML
import Foundation

/// libyaml parsers kept between files, one per thread that is parsing at the moment.
///
/// `yaml_parser_initialize` allocates an input buffer, a decoding buffer and five stacks, and
/// `yaml_parser_delete` frees them again, for every file. A registry is thousands of small files, so
/// those blocks went back and forth through glibc's allocator while the registry's entities filled the
/// same heap, and loading grew faster than the registry. A parser taken from here is reset to exactly
/// the state `yaml_parser_initialize` leaves, but keeps its blocks. libyaml has no reset of its own, so
/// `reset` writes `yaml_parser_t`'s fields: it is used only with the libyaml release it was written
/// for (`resetWrittenFor`, checked at run time and pinned by a test); with any other release every
/// file gets a new parser through the public API. The figures that justify it are in BENCHMARKS.md
/// ("libyaml parsers: the reset against the public API").
///
/// Why `@unchecked Sendable` is sound: `idle` and `created` are read and written only with `lock` held;
/// a parser is used by one thread at a time, between `take` (which removes it from `idle` under the
/// lock) and `give` (which puts it back under the lock). The pointers cannot go in a `Locked` because
/// `UnsafeMutablePointer` is not `Sendable`.
final class ParserPool: @unchecked Sendable {
    static let shared = ParserPool()

    /// More idle parsers than this are deleted instead of kept; more threads than this never parse at once.
    private static let maximumIdle = 64

    // Guarded by `lock`; the parsers in it belong to no thread until taken.
    private var idle: [UnsafeMutablePointer<yaml_parser_t>] = []
    private let lock = NSLock()
    private var created = 0

    /// How many parsers this pool has initialized; tests use it to see that parsers are reused.
    var parsersCreated: Int { lock.withLock { created } }

    /// Runs `body` with a parser that is ready for `yaml_parser_set_input_*`, or returns nil when libyaml
    /// cannot allocate one. The parser must not escape `body`.
    func withParser<Result>(_ body: (UnsafeMutablePointer<yaml_parser_t>) -> Result) -> Result? {
        guard let parser = take() else { return nil }
        let result = body(parser)
        give(parser)
        return result
    }

    private func take() -> UnsafeMutablePointer<yaml_parser_t>? {
        let reused = lock.withLock { () -> UnsafeMutablePointer<yaml_parser_t>? in
            if let parser = idle.popLast() { return parser }
            created += 1
            return nil
        }
        if let reused { return reused }
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        parser.initialize(to: yaml_parser_t())
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            return nil
        }
        return parser
    }

    /// The libyaml release whose `yaml_parser_t` and `yaml_parser_initialize` `reset` imitates.
    static let resetWrittenFor = "0.2.5"
    /// The libyaml release this process runs with.
    static let libyamlVersion = String(cString: yaml_get_version_string())
    static let canReset = libyamlVersion == resetWrittenFor

    private func give(_ parser: UnsafeMutablePointer<yaml_parser_t>) {
        guard Self.canReset else {
            yaml_parser_delete(parser)
            parser.deallocate()
            return
        }
        Self.reset(parser)
        let kept = lock.withLock { () -> Bool in
            guard idle.count < Self.maximumIdle else { return false }
            idle.append(parser)
            return true
        }
        if !kept {
            yaml_parser_delete(parser)
            parser.deallocate()
        }
    }

    /// Frees what a parse left behind (queued tokens, `%TAG` directives), then gives the parser the
    /// state `yaml_parser_initialize` gives a new one: every field zero, the buffers and stacks empty.
    /// Only the fields of the event parser are kept; audreg never uses libyaml's document loader.
    static func reset(_ parser: UnsafeMutablePointer<yaml_parser_t>) {
        var tokens = parser.pointee.tokens
        while tokens.head != tokens.tail {
            yaml_token_delete(tokens.head)
            tokens.head += 1
        }
        var directives = parser.pointee.tag_directives
        while directives.top != directives.start {
            directives.top -= 1
            free(directives.top.pointee.handle)
            free(directives.top.pointee.prefix)
        }
        var rawBuffer = parser.pointee.raw_buffer
        var buffer = parser.pointee.buffer
        var indents = parser.pointee.indents
        var simpleKeys = parser.pointee.simple_keys
        var states = parser.pointee.states
        var marks = parser.pointee.marks
        rawBuffer.pointer = rawBuffer.start
        rawBuffer.last = rawBuffer.start
        buffer.pointer = buffer.start
        buffer.last = buffer.start
        tokens.head = tokens.start
        tokens.tail = tokens.start
        indents.top = indents.start
        simpleKeys.top = simpleKeys.start
        states.top = states.start
        marks.top = marks.start

        parser.pointee = yaml_parser_t()
        parser.pointee.raw_buffer = rawBuffer
        parser.pointee.buffer = buffer
        parser.pointee.tokens = tokens
        parser.pointee.indents = indents
        parser.pointee.simple_keys = simpleKeys
        parser.pointee.states = states
        parser.pointee.marks = marks
        parser.pointee.tag_directives = directives
    }
}
