/// Elements of an array in another order, without copying them: a registry's services are large
/// values, and a sorted copy of all of them costs memory in proportion to the registry.
public struct Reordered<Element>: RandomAccessCollection {
    // Inlinable, so that the site, in another module, reads `services[i]` specialized for `Service`:
    // through the unspecialized generic code every read copied (retained and released) a service.
    @usableFromInline let base: [Element]
    @usableFromInline let order: [Int32]

    /// The elements of `base` whose key is not nil, in increasing order of key (ties in `base` order).
    /// Keys are computed once per element, so sorting never touches the elements themselves.
    init<Key: Comparable>(_ base: [Element], key: (Element) -> Key?) {
        self.base = base
        var keyed: [(key: Key, index: Int32)] = []
        keyed.reserveCapacity(base.count)
        for index in base.indices {
            if let key = key(base[index]) { keyed.append((key, Int32(index))) }
        }
        keyed.sort { $0.key < $1.key || ($0.key == $1.key && $0.index < $1.index) }
        order = keyed.map(\.index)
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { order.count }
    /// Read in place: `services[i].name` or passing `services[i]` along copies no `Service`.
    @inlinable public subscript(position: Int) -> Element {
        _read { yield base[Int(order[position])] }
    }
}

extension Reordered: Sendable where Element: Sendable {}

extension Array {
    /// The first element of every name that is a valid entity name, sorted by name, without copies.
    package func firstOfEachName(_ name: (Element) -> String) -> Reordered<Element> {
        var seen = Set<String>()
        return Reordered(self) { element in
            let name = name(element)
            return EntityName.isValid(name) && seen.insert(name).inserted ? name : nil
        }
    }
}
