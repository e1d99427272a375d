import AudregCore
/// A view model the template engine reads as a `BoxObject`: a few stores per object instead of a
/// `Mirror` walk. The boxes of the view models are generated from their structs
/// (scripts/generate-boxes.py writes Generated/ViewModelBoxes.swift; a test fails when it is stale),
/// so a field is declared once, in its struct. `cache`: the rendering thread's `BoxCache`, through
/// which lists marked shared (`RowList.shared`) are boxed once.
protocol MustacheBoxable {
    func box(root: String, cache: BoxCache?) -> BoxObject
}

extension MustacheBoxable {
    func box(root: String) -> BoxObject { box(root: root, cache: nil) }
}

extension PageContext: MustacheBoxable {
    private static let chromeKey = BoxKey.named("chrome")
    private static let pageKey = BoxKey.named("page")

    func box(root: String, cache: BoxCache?) -> BoxObject {
        var box = BoxObject(capacity: 3)
        box.set(.root, .string(self.root))
        box.set(Self.chromeKey, .box(chrome, root: root, cache: cache))
        box.set(Self.pageKey, .object(page.box(root: root, cache: cache)))
        return box
    }
}

/// The boxes of the shared lists (`RowList.shared`) one rendering thread has met, by list and root
/// (`""`, `"../"`: links in a box are relative to the page), so each is boxed once per root instead of
/// once per page. Each thread has its own cache, so nothing is locked and no box is shared between threads.
final class BoxCache {
    private struct Key: Hashable {
        let list: ObjectIdentifier
        let root: String
    }

    /// The lists themselves are kept, so an identifier here is never another list's.
    private var lists: [ObjectIdentifier: AnyObject] = [:]
    private var boxes: [Key: BoxValue] = [:]
    /// The lists boxed here are the same on many pages; the renderer may reuse what it made of them.
    let renderings = SharedRenderings()

    init() {}

    func shared<Item: MustacheBoxable>(_ rows: RowList<Item>, root: String) -> BoxValue {
        let identifier = ObjectIdentifier(rows.storage)
        let key = Key(list: identifier, root: root)
        if let cached = boxes[key] { return cached }
        lists[identifier] = rows.storage
        let boxed = BoxValue.sharedList(SharedBoxList(rows.items.map { .object($0.box(root: root, cache: self)) }))
        boxes[key] = boxed
        return boxed
    }
}
