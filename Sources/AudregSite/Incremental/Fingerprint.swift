import Crypto
import AudregCore

/// A view model whose every field the templates can read is fed into a `Fingerprinter`: generated
/// with its box (scripts/generate-boxes.py writes Generated/ViewModelFingerprints.swift), so a field
/// added to a view model is fingerprinted as soon as it is boxed.
protocol Fingerprinted {
    func fingerprint(into hasher: inout Fingerprinter)
}

/// Feeds a page's inputs to SHA-256 as unambiguous bytes (each string and list prefixed with its length,
/// each optional with a presence byte). Seed-free, so a fingerprint written by one run means the same to
/// the next; cryptographic, so a registry cannot be written to give a changed page the fingerprint of its
/// old one and keep a stale file on the site. The bytes go to the hash in blocks as they come: the
/// search page's inputs are tens of megabytes at 50,000 services, and holding them all took 81 MiB of
/// the build's peak (BENCHMARKS.md, "A leaner registry in memory").
struct Fingerprinter {
    private var pending: [UInt8] = []
    private var hash = SHA256()
    private static let blockSize = 64 * 1024
    /// The digests of the shared lists met so far (`RowList.shared`: the navigation, a service page's
    /// control lists), each hashed once per worker instead of once per page. The list objects are kept,
    /// so an identifier here is never another list's.
    private var shared: [ObjectIdentifier: (list: AnyObject, digest: [UInt8])] = [:]

    init() { pending.reserveCapacity(Self.blockSize + 4_096) }

    mutating func reset() {
        pending.removeAll(keepingCapacity: true)
        hash = SHA256()
    }

    private mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        if pending.count + bytes.count > Self.blockSize { flush() }
        if bytes.count > Self.blockSize {
            hash.update(bufferPointer: UnsafeRawBufferPointer(bytes))
        } else {
            pending.append(contentsOf: bytes)
        }
    }

    private mutating func append(_ byte: UInt8) {
        if pending.count >= Self.blockSize { flush() }
        pending.append(byte)
    }

    private mutating func flush() {
        pending.withUnsafeBytes { hash.update(bufferPointer: $0) }
        pending.removeAll(keepingCapacity: true)
    }

    /// The SHA-256 of everything added so far.
    private var sha256: SHA256.Digest {
        var hash = hash
        pending.withUnsafeBytes { hash.update(bufferPointer: $0) }
        return hash.finalize()
    }

    mutating func add(_ value: Int) { add(UInt64(bitPattern: Int64(value))) }

    mutating func add(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0.bindMemory(to: UInt8.self)) }
    }

    mutating func add(_ value: Bool) { append(value ? 1 : 0) }

    mutating func add(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            add(utf8.count)
            append(contentsOf: utf8)
        }
    }

    /// Streamed text is hashed as it is written, on its own, and its digest added with its length: the
    /// text is never held whole here either.
    mutating func add(_ text: StreamedText) {
        final class Sink { var hash = SHA256(); var count = 0 }
        let sink = Sink()
        let buffer = OutputBuffer(capacity: Self.blockSize)
        buffer.draining(into: { bytes in
            sink.hash.update(bufferPointer: bytes)
            sink.count += bytes.count
        }, threshold: Self.blockSize) { text.write(to: buffer) }
        sink.hash.update(bufferPointer: buffer.bytes)
        sink.count += buffer.count
        add(sink.count)
        sink.hash.finalize().withUnsafeBytes { append(contentsOf: $0.bindMemory(to: UInt8.self)) }
    }

    mutating func add(_ values: [String]) {
        add(values.count)
        for value in values { add(value) }
    }

    mutating func addAll<Items: Collection>(_ items: Items) where Items.Element: Fingerprinted {
        add(items.count)
        for item in items { item.fingerprint(into: &self) }
    }

    /// A shared list is fed as the SHA-256 of its items (the same bytes whichever page meets it first).
    mutating func addAll<Element: Fingerprinted>(_ rows: RowList<Element>) {
        guard rows.isShared else {
            addAll(rows.items)
            return
        }
        let identifier = ObjectIdentifier(rows.storage)
        let digest: [UInt8]
        if let known = shared[identifier] {
            digest = known.digest
        } else {
            var items = Fingerprinter()
            items.shared = shared
            items.addAll(rows.items)
            shared = items.shared
            digest = Array(items.sha256)
            shared[identifier] = (rows.storage, digest)
        }
        append(2)
        digest.withUnsafeBufferPointer { append(contentsOf: $0) }
    }

    mutating func present() { append(1) }
    mutating func absent() { append(0) }

    /// The first 128 bits of the SHA-256 of everything added, as 32 hex digits.
    var digest: String { fingerprint.hex }

    /// The first 128 bits of the SHA-256 of everything added.
    var fingerprint: PageFingerprint {
        sha256.withUnsafeBytes { PageFingerprint(UnsafeRawBufferPointer(rebasing: $0.prefix(16))) }
    }
}

/// A page's fingerprint: 128 bits, held as two integers rather than as its 32 hex digits, since a build
/// keeps one per page until it writes the manifest (a `String` each was 4 MiB at 50,000 services).
struct PageFingerprint: Hashable, Sendable {
    private let high: UInt64
    private let low: UInt64

    /// The first 16 bytes, most significant first.
    init(_ bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count >= 16)
        high = bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
        low = bytes.dropFirst(8).prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// nil for anything but 32 lowercase hex digits.
    init?<Text: Collection<UInt8>>(hex: Text) {
        guard hex.count == 32 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        for (position, byte) in hex.enumerated() {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            default: return nil
            }
            if position < 16 { high = high << 4 | UInt64(digit) } else { low = low << 4 | UInt64(digit) }
        }
        self.high = high
        self.low = low
    }

    /// The 32 lowercase hex digits, appended to `output`.
    func write(to output: OutputBuffer) {
        func digits(_ value: UInt64) {
            for shift in stride(from: 60, through: 0, by: -4) {
                let nibble = UInt8(truncatingIfNeeded: value >> UInt64(shift)) & 15
                output.append(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10)
            }
        }
        digits(high)
        digits(low)
    }

    var hex: String { OutputBuffer.string(capacity: 64) { write(to: $0) } }
}
