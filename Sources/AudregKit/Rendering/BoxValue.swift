import Foundation

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
    case lazyList(LazyBoxList)
    /// A value of another type (a `Double`, an enum without a box): printed with `String(describing:)`,
    /// as swift-mustache prints it.
    case other(OpaqueBox)

    static func strings(_ values: [String]) -> BoxValue { .list(values.map(BoxValue.string)) }

    static func boxes<Item: MustacheBoxable>(_ items: [Item], root: String) -> BoxValue {
        .list(items.map { .object($0.box(root: root)) })
    }

    static func box<Item: MustacheBoxable>(_ item: Item, root: String) -> BoxValue { .object(item.box(root: root)) }
}

/// The field names of view models, interned. The names the hand-written boxes use are `Known` cases, so
/// their keys are constants; names met through `Mirror` or in templates are added as they come.
struct BoxKey: Hashable, Sendable {
    let id: Int32

    init(id: Int32) { self.id = id }

    init(_ known: Known) { id = known.rawValue }

    /// Declaration order is the key: `Known(rawValue:)` and the interner's first entries agree.
    enum Known: Int32, CaseIterable {
        case accepts, algorithms, anchor, approvedBy, audiences, audiencesText, cells, chrome, control, controlID
        case controlsAttention, controlsMet, current, daysLeft, deployments, description, detail, downstream, drift
        case entity, entityText, environment, exceptedRules, exceptions, expires, explanation, externalURL
        case failingRules, findingCount, findings, flagged, flags, framework, from, fromText, hasFindings, href
        case issuer, issuerName, issuerURL, jwks, key, kind, label, labels, link, location, maxLifetime, md, message
        case mode, modeLabel, name, nav, owner, ownerText, page, pageHref, pageMd, pageTitle, provider, reason
        case reported, requiredClaims, roles, rolesText, root, rule, ruleCount, ruleText, scopes, scopesText
        case service, services, severity, severityLabel, shared, siteTitle, source, status, statusLabel
        case suppressedCount, symbol, template, text, ticket, title, to, toText, tokenTypes, tokenTypesChecked
        case upstream, value, when
    }

    static func named(_ name: String) -> BoxKey { BoxKeyTable.shared.key(for: name) }

    var name: String { BoxKeyTable.shared.name(of: self) }
}

/// The interner behind `BoxKey`. Keys are only ever added, so a key stays valid for the process.
final class BoxKeyTable: @unchecked Sendable {
    static let shared = BoxKeyTable()

    private let lock = NSLock()
    private var ids: [String: Int32] = [:]
    private var names: [String] = []

    private init() {
        for known in BoxKey.Known.allCases {
            let name = String(describing: known)
            ids[name] = known.rawValue
            names.append(name)
        }
    }

    func key(for name: String) -> BoxKey {
        lock.lock()
        defer { lock.unlock() }
        if let id = ids[name] { return BoxKey(id: id) }
        let id = Int32(names.count)
        ids[name] = id
        names.append(name)
        return BoxKey(id: id)
    }

    func name(of key: BoxKey) -> String {
        lock.lock()
        defer { lock.unlock() }
        return names[Int(key.id)]
    }
}

/// An object's fields in the order they were set; a few dozen at most, so a linear scan finds one.
struct BoxObject: ExpressibleByDictionaryLiteral {
    struct Entry {
        var key: Int32
        var value: BoxValue
    }

    private(set) var entries: [Entry]

    init(dictionaryLiteral elements: (BoxKey.Known, BoxValue)...) {
        entries = []
        entries.reserveCapacity(elements.count + 2)
        for (key, value) in elements { entries.append(Entry(key: key.rawValue, value: value)) }
    }

    init(capacity: Int) {
        entries = []
        entries.reserveCapacity(capacity)
    }

    var isEmpty: Bool { entries.isEmpty }

    /// Sets a field; a name set twice keeps the last value, as a dictionary would.
    mutating func set(_ key: BoxKey, _ value: BoxValue) {
        if let index = entries.firstIndex(where: { $0.key == key.id }) {
            entries[index].value = value
        } else {
            entries.append(Entry(key: key.id, value: value))
        }
    }

    mutating func set(_ key: BoxKey.Known, _ value: BoxValue) { set(BoxKey(key), value) }

    subscript(key: BoxKey) -> BoxValue? {
        entries.withUnsafeBufferPointer { buffer in
            for index in buffer.indices where buffer[index].key == key.id { return buffer[index].value }
            return nil
        }
    }

    subscript(key: BoxKey.Known) -> BoxValue? { self[BoxKey(key)] }
}

/// A long list of view models boxed one element at a time, as the compiled renderer reaches it, so a
/// page listing 10,000 services never holds 10,000 boxed rows at once. Short lists are boxed eagerly:
/// a list a template reads twice would otherwise be boxed twice.
final class LazyBoxList: @unchecked Sendable {
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

final class OpaqueBox: @unchecked Sendable {
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
            for entry in object.entries { dictionary[BoxKey(id: entry.key).name] = entry.value.materialized }
            return dictionary
        case .list(let items): return items.map(\.materialized)
        case .lazyList(let lazy): return lazy.materialized.map(\.materialized)
        case .other(let opaque): return opaque.value
        }
    }

    /// A context given as dictionaries and arrays (tests, hand-made contexts) in typed form.
    init(any value: Any) {
        switch value {
        case let boxed as BoxValue: self = boxed
        case let object as BoxObject: self = .object(object)
        case let text as String: self = .string(text)
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
