/// Something a drift run observed that is not a finding, such as a key set served as `text/plain` and
/// read as JSON anyway (as enforcers read it). A note marks no control failing, changes no exit status
/// and is not counted in the summary: it is shown after the findings, in `drift.notes` of the JSON, as
/// a SARIF tool notification, a GitHub `::notice` and in JUnit output; `build --drift-report` reads
/// them back (`DriftReport.run.notes`), and the site's Drift page lists them under "Run notes".
///
/// `subject` and `message` hold fetched text (a server's Content-Type header): every sink encodes them.
public struct DriftNote: Sendable, Equatable {
    /// A stable name for scripts: `content-type`.
    public var kind: String
    /// What the note is about: the URL fetched.
    public var subject: String
    /// One sentence for people.
    public var message: String

    public init(kind: String, subject: String, message: String) {
        self.kind = kind
        self.subject = subject
        self.message = message
    }

    /// Byte for byte: a server's text is compared as it was sent, never canonically.
    public static func == (lhs: DriftNote, rhs: DriftNote) -> Bool {
        lhs.kind.utf8.elementsEqual(rhs.kind.utf8) && lhs.subject.utf8.elementsEqual(rhs.subject.utf8)
            && lhs.message.utf8.elementsEqual(rhs.message.utf8)
    }

    /// Sorted by subject, kind and message bytes, each note once: two issuers sharing a key set, or two
    /// shards of a run, give one note.
    public static func normalized(_ notes: [DriftNote]) -> [DriftNote] {
        var seen = Set<[UInt8]>()
        var unique: [(key: [UInt8], note: DriftNote)] = []
        for note in notes {
            let key = Array(note.subject.utf8) + [0] + Array(note.kind.utf8) + [0] + Array(note.message.utf8)
            if seen.insert(key).inserted { unique.append((key, note)) }
        }
        return unique.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.note)
    }

    package var json: JSONValue {
        .object([("kind", .string(kind)), ("subject", .string(subject)), ("message", .string(message))])
    }

    /// The content type of a body that was read as JSON, when it is not a JSON media type
    /// (`application/json` or any `…/…+json`, parameters aside), as a note about `subject`; nil when
    /// it is one. Only the first 200 characters of the header are kept.
    public static func contentType(_ contentType: String?, of what: String, subject: String) -> DriftNote? {
        guard let contentType else {
            return DriftNote(kind: "content-type", subject: subject,
                             message: "\(what) \(subject) is served without a Content-Type; it was read as JSON, as enforcers read it")
        }
        // The media type's bytes before any parameter, without surrounding blanks, ASCII letters lowered.
        var bare = Array(contentType.utf8.prefix { $0 != UInt8(ascii: ";") })
        while let last = bare.last, last == 0x20 || last == 0x09 { bare.removeLast() }
        bare = Array(bare.drop { $0 == 0x20 || $0 == 0x09 }.map { ASCII.isLetter($0) ? $0 | 0x20 : $0 })
        if bare.elementsEqual("application/json".utf8) || (bare.contains(ASCII.slash) && bare.reversed().starts(with: "+json".utf8.reversed())) {
            return nil
        }
        let shown = contentType.unicodeScalars.count > 200 ? String(String.UnicodeScalarView(contentType.unicodeScalars.prefix(200))) + "…" : contentType
        return DriftNote(kind: "content-type", subject: subject,
                         message: "\(what) \(subject) is served as '\(shown)', not a JSON media type; it was read as JSON, as enforcers read it")
    }
}
