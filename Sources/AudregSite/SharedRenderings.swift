import AudregCore
/// Lists that many pages share, and what the compiled renderer made of them: the site's navigation
/// (the same on every page of a section) and a service page's "Met" controls (the same on every
/// service page without an open or excepted finding). They are a large share of each service page's
/// output (BENCHMARKS.md), so they are rendered once per thread instead of once per page.
///
/// A rendering is reused only where it cannot differ: the same list (the same storage, kept alive here,
/// so its address is never another list's), the same template instructions, the same content kind, no
/// indentation, and a first rendering whose every name was found within the list's own items. A name
/// looked up further out (on the page, which differs from page to page) keeps that list from being
/// reused at that place. Each rendering thread has its own instance, so nothing is locked.
final class SharedRenderings {
    struct Key: Hashable {
        let library: ObjectIdentifier
        let items: UnsafeRawPointer
        let body: Int32
        let kind: UInt8
    }

    /// Retained so that a registered address stays this list's for as long as renderings may be reused.
    private var lists: [UnsafeRawPointer: [BoxValue]] = [:]
    private var renderings: [Key: [UInt8]] = [:]
    /// Places where a list's rendering read the page around it: rendered every time.
    private var unshareable: Set<Key> = []
    private(set) var reused = 0

    /// The list as a value the renderer recognises as shared.
    func share(_ items: [BoxValue]) -> BoxValue {
        if let address = Self.address(of: items) { lists[address] = items }
        return .list(items)
    }

    /// Where a rendering of `items` is kept, when `items` is a registered list; nil otherwise.
    func key(library: CompiledLibrary, items: [BoxValue], body: Int32, kind: CompiledTemplate.ContentKind) -> Key? {
        guard !lists.isEmpty, let address = Self.address(of: items), lists[address] != nil else { return nil }
        let code: UInt8 = switch kind { case .html: 0; case .text: 1; case .markdown: 2 }
        let key = Key(library: ObjectIdentifier(library), items: address, body: body, kind: code)
        return unshareable.contains(key) ? nil : key
    }

    func rendering(for key: Key) -> [UInt8]? {
        guard let bytes = renderings[key] else { return nil }
        reused += 1
        return bytes
    }

    func store(_ bytes: UnsafeRawBufferPointer, for key: Key, dependsOnPage: Bool) {
        if dependsOnPage { unshareable.insert(key) } else { renderings[key] = Array(bytes.bindMemory(to: UInt8.self)) }
    }

    private static func address(of items: [BoxValue]) -> UnsafeRawPointer? {
        guard !items.isEmpty else { return nil }
        return items.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }
}
