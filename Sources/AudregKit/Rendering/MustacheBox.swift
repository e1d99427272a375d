/// Turns a view model into dictionaries and arrays once, before rendering. swift-mustache looks up a
/// struct's fields through `Mirror` on every `{{name}}` (a scan of all fields, for every level of the
/// context stack); a dictionary is a hash lookup, which makes large sites several times faster.
/// Nil optionals are left out, so a missing value behaves exactly as it did on the struct.
///
/// Every link (a struct with root-relative `href` and `md`) also gets `pageHref` and `pageMd`: the same
/// targets relative to the page being rendered (`root` prepended), so a template writes `{{pageHref}}`,
/// found on the link itself, instead of `{{root}}{{href}}`, which searches the whole context stack.
enum MustacheBox {
    static func convert(_ value: Any, root: String = "", handWritten: Bool = true) -> Any? {
        switch value {
        case let text as String: return text
        case let number as Int: return number
        case let flag as Bool: return flag
        case let boxable as MustacheBoxable where handWritten: return boxable.box(root: root)
        default: return reflect(value, root: root, handWritten: handWritten)
        }
    }

    /// The `Mirror` path, for every type without a hand-written box. Tests compare both, with
    /// `handWritten: false` reflecting all the way down.
    static func reflect(_ value: Any, root: String, handWritten: Bool = true) -> Any? {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first?.value else { return nil }
            return convert(wrapped, root: root, handWritten: handWritten)
        case .collection, .set:
            // The protocol cast is costly for every short list, so only long ones are asked.
            if handWritten, mirror.children.count >= LazyBoxList.threshold, let list = value as? LazilyBoxable {
                return list.lazyBox(root: root)
            }
            return mirror.children.compactMap { convert($0.value, root: root, handWritten: handWritten) }
        case .struct, .class:
            var dictionary: [String: Any] = [:]
            dictionary.reserveCapacity(Int(mirror.children.count))
            for child in mirror.children {
                guard let label = child.label, let converted = convert(child.value, root: root, handWritten: handWritten) else { continue }
                dictionary[label] = converted
            }
            if let href = dictionary["href"] as? String, let md = dictionary["md"] as? String {
                dictionary["pageHref"] = root + href
                dictionary["pageMd"] = root + md
            }
            return dictionary
        case .tuple:
            return mirror.children.compactMap { convert($0.value, root: root, handWritten: handWritten) }
        default:
            return value
        }
    }
}

/// A long list of view models boxed one element at a time, as the compiled renderer reaches it, so a
/// page listing 10,000 services never holds 10,000 boxed rows at once. Short lists are boxed eagerly:
/// a list a template reads twice would otherwise be boxed twice. A struct, not a class: casting `Any`
/// to a class type makes the runtime bridge every String it meets to NSString to ask.
struct LazyBoxList: @unchecked Sendable {
    static let threshold = 256

    let count: Int
    private let element: (Int) -> Any

    init(count: Int, element: @escaping (Int) -> Any) {
        self.count = count
        self.element = element
    }

    subscript(index: Int) -> Any { element(index) }

    /// Every element boxed, for swift-mustache, which only knows arrays.
    var materialized: [Any] { (0..<count).map(element) }
}

/// Lists whose elements have hand-written boxes.
protocol LazilyBoxable {
    var boxCount: Int { get }
    func lazyBox(root: String) -> LazyBoxList
}

extension Array: LazilyBoxable where Element: MustacheBoxable {
    var boxCount: Int { count }
    func lazyBox(root: String) -> LazyBoxList {
        LazyBoxList(count: count) { self[$0].box(root: root) }
    }
}

extension SiteLinkList: LazilyBoxable {
    var boxCount: Int { count }
    func lazyBox(root: String) -> LazyBoxList {
        LazyBoxList(count: count) { self[$0].box(root: root) }
    }
}

extension MustacheBox {
    /// The context with every lazy list boxed: what swift-mustache renders.
    static func materialize(_ value: Any) -> Any {
        switch value {
        case let lazy as LazyBoxList: return lazy.materialized.map(materialize)
        case let dictionary as [String: Any]: return dictionary.mapValues(materialize)
        case let array as [Any]: return array.map(materialize)
        default: return value
        }
    }
}
