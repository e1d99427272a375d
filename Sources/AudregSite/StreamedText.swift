import AudregCore

/// Text that a page writes while it renders instead of holding: the token-flow drawing of a large
/// registry is as large as the registry (15 MB at 50,000 services), and made up front it was held for
/// the whole build, at the build's peak (BENCHMARKS.md, "The token flow drawn as its page is written").
/// Written into a page's output buffer, which drains into the page's file as it fills, it never exists
/// whole. Templates read it as a string: `{{{svg}}}` writes it as it is, `{{svg}}` escaped, `{{#svg}}`
/// tests that it is not empty.
public struct StreamedText: Sendable {
    public let isEmpty: Bool
    private let writer: @Sendable (OutputBuffer) -> Void

    public init(_ text: String) {
        isEmpty = text.isEmpty
        writer = { $0.append(text) }
    }

    /// `write` must append the same bytes every time it is called.
    init(isEmpty: Bool, write: @escaping @Sendable (OutputBuffer) -> Void) {
        self.isEmpty = isEmpty
        writer = write
    }

    func write(to output: OutputBuffer) { writer(output) }

    /// The text in full (tests, and templates that escape it).
    public var text: String { OutputBuffer.string(capacity: 16_384) { writer($0) } }
}
