/// Turns a view model into dictionaries and arrays once, before rendering. swift-mustache looks up a
/// struct's fields through `Mirror` on every `{{name}}` (a scan of all fields, for every level of the
/// context stack); a dictionary is a hash lookup, which makes large sites several times faster.
/// Nil optionals are left out, so a missing value behaves exactly as it did on the struct.
enum MustacheBox {
    static func convert(_ value: Any) -> Any? {
        switch value {
        case let text as String: return text
        case let number as Int: return number
        case let flag as Bool: return flag
        default: break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first?.value else { return nil }
            return convert(wrapped)
        case .collection, .set:
            return mirror.children.compactMap { convert($0.value) }
        case .struct, .class:
            var dictionary: [String: Any] = [:]
            dictionary.reserveCapacity(Int(mirror.children.count))
            for child in mirror.children {
                guard let label = child.label, let converted = convert(child.value) else { continue }
                dictionary[label] = converted
            }
            return dictionary
        case .tuple:
            return mirror.children.compactMap { convert($0.value) }
        default:
            return value
        }
    }
}
