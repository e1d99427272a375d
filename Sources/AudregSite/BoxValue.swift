import Foundation
import AudregCore

/// A view model as the compiled renderer reads it: strings, numbers, flags, lists and objects whose
/// field names are small integers (`BoxKey`). A template's `{{owner.text}}` is compiled to two keys, so
/// looking it up compares integers along a short list instead of hashing strings in dictionaries, and
/// no value is cast from `Any` while rendering.
enum BoxValue {
    case string(String)
    /// Two strings that read as one: a link relative to the page (`root` + `href`) without allocating
    /// the concatenation for every link of every page.
    case joined(String, String)
    case int(Int)
    case bool(Bool)
    case object(BoxObject)
    case list([BoxValue])
    /// A list that many pages hold (a `RowList` marked shared), boxed once per rendering thread; the
    /// renderer may reuse what it made of it (see `SharedRenderings`).
    case sharedList(SharedBoxList)
    case lazyList(LazyBoxList)
    /// Text written into the page as it renders (`StreamedText`), never held whole.
    case streamed(StreamedText)
    /// A value of another type (a `Double`, an enum without a box): printed with `String(describing:)`,
    /// as swift-mustache prints it.
    case other(OpaqueBox)

    static func strings(_ values: [String]) -> BoxValue { .list(values.map(BoxValue.string)) }

    /// A list of view models; a long one is boxed one element at a time, as the renderer reaches it.
    static func boxes<Items: RandomAccessCollection>(_ items: Items, root: String, cache: BoxCache? = nil) -> BoxValue
        where Items.Element: MustacheBoxable, Items.Index == Int {
        if items.count >= LazyBoxList.threshold {
            return .lazyList(LazyBoxList(count: items.count) { .object(items[items.startIndex + $0].box(root: root, cache: cache)) })
        }
        return .list(items.map { .object($0.box(root: root, cache: cache)) })
    }

    static func box<Item: MustacheBoxable>(_ item: Item, root: String, cache: BoxCache? = nil) -> BoxValue {
        .object(item.box(root: root, cache: cache))
    }

    /// A `RowList`: a shared one through the thread's cache, boxed once per root; a page's own as any list.
    static func rows<Item: MustacheBoxable>(_ rows: RowList<Item>, root: String, cache: BoxCache?) -> BoxValue {
        guard rows.isShared, let cache else { return boxes(rows, root: root, cache: cache) }
        return cache.shared(rows, root: root)
    }
}

/// The boxes of a shared list. The renderer recognises it by this object, which the cache that made
/// it and `SharedRenderings` keep alive, so its identity is never another list's.
final class SharedBoxList {
    let items: [BoxValue]
    init(_ items: [BoxValue]) { self.items = items }
}

/// The field names of view models, interned. The names the generated boxes use are `Known` cases, so
/// their keys are constants; names met through `Mirror` or in templates are added as they come.
struct BoxKey: Hashable, Sendable {
    let id: Int32

    init(id: Int32) { self.id = id }

    init(_ known: Known) { id = known.rawValue }

    // `Known`, every view model's field names, is generated with the boxes (Generated/ViewModelBoxes.swift).

    static func named(_ name: String) -> BoxKey { BoxKeyTable.shared.key(for: name) }

    var name: String { BoxKeyTable.shared.name(of: self) }
}

/// The interner behind `BoxKey`. Keys are only ever added, so a key stays valid for the process.
final class BoxKeyTable: Sendable {
    static let shared = BoxKeyTable()

    private struct Table: Sendable {
        var ids: [String: Int32] = [:]
        var names: [String] = []
    }

    private let table: Locked<Table>

    private init() {
        var table = Table()
        for known in BoxKey.Known.allCases {
            let name = String(describing: known)
            table.ids[name] = known.rawValue
            table.names.append(name)
        }
        self.table = Locked(table)
    }

    func key(for name: String) -> BoxKey {
        table.withLock { table in
            if let id = table.ids[name] { return BoxKey(id: id) }
            let id = Int32(table.names.count)
            table.ids[name] = id
            table.names.append(name)
            return BoxKey(id: id)
        }
    }

    func name(of key: BoxKey) -> String {
        table.withLock { $0.names[Int(key.id)] }
    }
}

/// An object's fields in the order they were set; a few dozen at most, so a linear scan finds one.
/// Keys and values live in one allocation that never moves while the object lives, so the renderer can
/// hold pointers to values instead of copying them (and retaining their strings) at every lookup.
struct BoxObject: ExpressibleByDictionaryLiteral {
    struct StorageHeader {
        var count: Int
        let capacity: Int
    }

    /// The header, then the values, then the keys, in one allocation: a page builds hundreds of
    /// thousands of these objects, and one allocation each instead of three is a measurable part of a
    /// site build.
    final class Storage: ManagedBuffer<StorageHeader, BoxValue> {
        /// Tail slots (each the size of a value) that hold `capacity` keys after the values.
        private static func keySlots(_ capacity: Int) -> Int {
            (capacity * MemoryLayout<Int32>.stride + MemoryLayout<BoxValue>.stride - 1) / MemoryLayout<BoxValue>.stride
        }

        static func make(capacity: Int) -> Storage {
            let buffer = Storage.create(minimumCapacity: capacity + keySlots(capacity)) { _ in
                StorageHeader(count: 0, capacity: capacity)
            }
            let storage = unsafeDowncast(buffer, to: Storage.self)
            storage.withUnsafeMutablePointerToElements { elements in
                // The slots after the values are never values; they are bound to keys once, here.
                _ = UnsafeMutableRawPointer(elements + capacity).bindMemory(to: Int32.self, capacity: capacity)
            }
            return storage
        }

        deinit {
            withUnsafeMutablePointers { header, elements in _ = elements.deinitialize(count: header.pointee.count) }
        }

        /// The header, read and written through its pointer (valid while this storage lives): `header`
        /// is a class property, and each use of it would be checked for exclusive access at run time,
        /// which the renderer's lookups paid on every field (BENCHMARKS.md).
        private var head: UnsafeMutablePointer<StorageHeader> { withUnsafeMutablePointerToHeader { $0 } }

        var count: Int { head.pointee.count }
        var fieldCapacity: Int { head.pointee.capacity }

        /// Valid while this storage lives: the tail never moves.
        var values: UnsafeMutablePointer<BoxValue> { withUnsafeMutablePointerToElements { $0 } }

        var keys: UnsafeMutablePointer<Int32> {
            withUnsafeMutablePointerToElements { elements in
                UnsafeMutableRawPointer(elements + head.pointee.capacity).assumingMemoryBound(to: Int32.self)
            }
        }

        /// Where the value of `key` is, valid while this storage lives.
        func pointer(to key: Int32) -> UnsafeMutablePointer<BoxValue>? {
            let keys = self.keys
            for index in 0..<head.pointee.count where keys[index] == key { return values + index }
            return nil
        }

        func append(_ key: Int32, _ value: BoxValue) {
            let head = self.head
            let count = head.pointee.count
            precondition(count < head.pointee.capacity, "BoxObject.Storage is full; it is made with room for its fields")
            keys[count] = key
            (values + count).initialize(to: value)
            head.pointee.count = count + 1
        }

        func copy(extra: Int) -> Storage {
            let copy = Storage.make(capacity: count + extra)
            let keys = self.keys, values = self.values
            for index in 0..<count { copy.append(keys[index], values[index]) }
            return copy
        }
    }

    private(set) var storage: Storage

    init(dictionaryLiteral elements: (BoxKey.Known, BoxValue)...) {
        // Room for the optional fields a box adds after its literal.
        storage = Storage.make(capacity: elements.count + 3)
        for (key, value) in elements { storage.append(key.rawValue, value) }
    }

    init(capacity: Int) {
        storage = Storage.make(capacity: capacity)
    }

    var isEmpty: Bool { storage.count == 0 }

    /// The fields in the order they were set.
    var entries: [(key: BoxKey, value: BoxValue)] {
        (0..<storage.count).map { (BoxKey(id: storage.keys[$0]), storage.values[$0]) }
    }

    /// Sets a field; a name set twice keeps the last value, as a dictionary would.
    mutating func set(_ key: BoxKey, _ value: BoxValue) {
        if !isKnownUniquelyReferenced(&storage) || storage.count == storage.fieldCapacity {
            storage = storage.copy(extra: max(4, storage.count / 2))
        }
        if let existing = storage.pointer(to: key.id) {
            existing.pointee = value
        } else {
            storage.append(key.id, value)
        }
    }

    mutating func set(_ key: BoxKey.Known, _ value: BoxValue) { set(BoxKey(key), value) }

    subscript(key: BoxKey) -> BoxValue? { storage.pointer(to: key.id)?.pointee }

    subscript(key: BoxKey.Known) -> BoxValue? { self[BoxKey(key)] }
}

/// A long list of view models boxed one element at a time, as the compiled renderer reaches it, so a
/// page listing 10,000 services never holds 10,000 boxed rows at once. Short lists are boxed eagerly:
/// a list a template reads twice would otherwise be boxed twice.
final class LazyBoxList {
    static let threshold = 256

    let count: Int
    private let element: (Int) -> BoxValue

    init(count: Int, element: @escaping (Int) -> BoxValue) {
        self.count = count
        self.element = element
    }

    subscript(index: Int) -> BoxValue { element(index) }

    /// Every element boxed, for swift-mustache, which only knows arrays.
    var materialized: [BoxValue] { (0..<count).map(element) }
}

final class OpaqueBox {
    let value: Any
    init(_ value: Any) { self.value = value }
}

extension BoxValue {
    /// The same value as dictionaries and arrays: what swift-mustache renders, and what tests compare.
    var materialized: Any {
        switch self {
        case .string(let text): return text
        case .joined(let first, let second): return first + second
        case .int(let number): return number
        case .bool(let flag): return flag
        case .object(let object):
            var dictionary: [String: Any] = [:]
            for (key, value) in object.entries { dictionary[key.name] = value.materialized }
            return dictionary
        case .list(let items): return items.map(\.materialized)
        case .sharedList(let shared): return shared.items.map(\.materialized)
        case .lazyList(let lazy): return lazy.materialized.map(\.materialized)
        case .other(let opaque): return opaque.value
        case .streamed(let text): return text.text
        }
    }

    /// A context given as dictionaries and arrays (tests, hand-made contexts) in typed form.
    init(any value: Any) {
        switch value {
        case let boxed as BoxValue: self = boxed
        case let object as BoxObject: self = .object(object)
        case let text as String: self = .string(text)
        case let streamed as StreamedText: self = .streamed(streamed)
        case let number as Int: self = .int(number)
        case let flag as Bool: self = .bool(flag)
        case let dictionary as [String: Any]:
            var object = BoxObject(capacity: dictionary.count)
            for (name, child) in dictionary.sorted(by: { $0.key < $1.key }) { object.set(BoxKey.named(name), BoxValue(any: child)) }
            self = .object(object)
        case let array as [Any]: self = .list(array.map { BoxValue(any: $0) })
        case let lazy as LazyBoxList: self = .lazyList(lazy)
        default: self = .other(OpaqueBox(value))
        }
    }
}
