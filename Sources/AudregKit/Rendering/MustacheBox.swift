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
