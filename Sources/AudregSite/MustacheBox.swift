import AudregCore
/// Turns a value into `BoxValue`s once, before rendering: a view model through its generated box
/// (`MustacheBoxable`), anything else (hand-made contexts, `MkDocsContext`) through `Mirror`, which the
/// tests also use to check the generated boxes. swift-mustache looks up a struct's fields through
/// `Mirror` on every `{{name}}`; a boxed object is a short list of interned keys, found by comparing
/// integers (BENCHMARKS.md has what that saved).
/// Nil optionals are left out, so a missing value behaves exactly as it did on the struct.
///
/// Every link (a struct with root-relative `href` and `md`) also gets `pageHref` and `pageMd`: the same
/// targets relative to the page being rendered (`root` prepended), so a template writes `{{pageHref}}`,
/// found on the link itself, instead of `{{root}}{{href}}`, which searches the whole context stack.
enum MustacheBox {
    static func convert(_ value: Any, root: String = "", useBoxes: Bool = true) -> BoxValue? {
        switch value {
        case let text as String: return .string(text)
        case let streamed as StreamedText: return .streamed(streamed)
        case let number as Int: return .int(number)
        case let flag as Bool: return .bool(flag)
        case let boxable as MustacheBoxable where useBoxes: return .object(boxable.box(root: root))
        default: return reflect(value, root: root, useBoxes: useBoxes)
        }
    }

    /// The `Mirror` path, for every type without a generated box. Tests compare both, with
    /// `useBoxes: false` reflecting all the way down.
    static func reflect(_ value: Any, root: String, useBoxes: Bool = true) -> BoxValue? {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first?.value else { return nil }
            return convert(wrapped, root: root, useBoxes: useBoxes)
        case .collection, .set:
            // The protocol cast is costly for every short list, so only long ones are asked.
            if useBoxes, mirror.children.count >= LazyBoxList.threshold, let list = value as? LazilyBoxable {
                return .lazyList(list.lazyBox(root: root))
            }
            return .list(mirror.children.compactMap { convert($0.value, root: root, useBoxes: useBoxes) })
        case .struct, .class:
            var object = BoxObject(capacity: Int(mirror.children.count) + 2)
            for child in mirror.children {
                guard let label = child.label, let converted = convert(child.value, root: root, useBoxes: useBoxes) else { continue }
                object.set(BoxKey.named(label), converted)
            }
            if case .string(let href)? = object[.href], case .string(let md)? = object[.md] {
                object.set(.pageHref, .joined(root, href))
                object.set(.pageMd, .joined(root, md))
            }
            return .object(object)
        case .tuple:
            return .list(mirror.children.compactMap { convert($0.value, root: root, useBoxes: useBoxes) })
        default:
            return .other(OpaqueBox(value))
        }
    }
}

/// Lists whose elements have generated boxes.
protocol LazilyBoxable {
    func lazyBox(root: String) -> LazyBoxList
}

extension Array: LazilyBoxable where Element: MustacheBoxable {
    func lazyBox(root: String) -> LazyBoxList {
        LazyBoxList(count: count) { .object(self[$0].box(root: root)) }
    }
}

extension SiteLinkList: LazilyBoxable {
    func lazyBox(root: String) -> LazyBoxList {
        LazyBoxList(count: count) { .object(self[$0].box(root: root)) }
    }
}
