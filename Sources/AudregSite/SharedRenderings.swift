import AudregCore
/// Lists that many pages share, and what the compiled renderer made of them: the site's navigation
/// (the same on every page of a section) and a service page's control lists (the same on every service
/// page without an open or excepted finding that lacks the same evidence). The model marks them
/// (`RowList.shared`), `BoxCache` boxes each once as a `SharedBoxList`, and the renderer keeps what it
/// wrote for them here. They are a large share of each service page's output (BENCHMARKS.md), so they
/// are rendered once per thread instead of once per page.
///
/// A rendering is reused only where it cannot differ: the same boxed list (the same `SharedBoxList`,
/// kept alive here, so its identity is never another list's), the same template instructions, the
/// same content kind, no indentation, and a first rendering whose every name was found within the
/// list's own items. A name looked up further out (on the page, which differs from page to page) keeps
/// that list from being reused at that place. Each rendering thread has its own instance, so nothing is locked.
final class SharedRenderings {
    struct Key: Hashable {
        let library: ObjectIdentifier
        let list: ObjectIdentifier
        let body: Int32
        let kind: UInt8
    }

    /// Retained so that a list's identity stays its own for as long as renderings may be reused.
    private var lists: [ObjectIdentifier: SharedBoxList] = [:]
    private var renderings: [Key: [UInt8]] = [:]
    /// Places where a list's rendering read the page around it: rendered every time.
    private var unshareable: Set<Key> = []
    private(set) var reused = 0

    /// Where a rendering of `list` is kept; nil where it read the page the first time.
    func key(library: CompiledLibrary, list: SharedBoxList, body: Int32, kind: CompiledTemplate.ContentKind) -> Key? {
        let identifier = ObjectIdentifier(list)
        if lists[identifier] == nil { lists[identifier] = list }
        let code: UInt8 = switch kind { case .html: 0; case .text: 1; case .markdown: 2 }
        let key = Key(library: ObjectIdentifier(library), list: identifier, body: body, kind: code)
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
}
