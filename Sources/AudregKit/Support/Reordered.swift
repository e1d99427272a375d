/// Elements of an array in another order, without copying them: a registry's services are large
/// values, and a sorted copy of 50,000 of them costs tens of megabytes.
public struct Reordered<Element>: RandomAccessCollection {
    let base: [Element]
    let order: [Int32]

    /// The elements of `base` kept by `isIncluded`, in the order `areInIncreasingOrder` gives.
    init(_ base: [Element], keeping isIncluded: (Element) -> Bool, by areInIncreasingOrder: (Element, Element) -> Bool) {
        self.base = base
        var order: [Int32] = []
        order.reserveCapacity(base.count)
        for index in base.indices where isIncluded(base[index]) { order.append(Int32(index)) }
        order.sort { areInIncreasingOrder(base[Int($0)], base[Int($1)]) }
        self.order = order
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { order.count }
    /// Read in place: `services[i].name` or passing `services[i]` along copies no `Service`.
    public subscript(position: Int) -> Element {
        _read { yield base[Int(order[position])] }
    }
}

extension Reordered: Sendable where Element: Sendable {}

extension Array {
    /// The first element of every name that is a valid entity name, sorted by name, without copies.
    func firstOfEachName(_ name: (Element) -> String) -> Reordered<Element> {
        var seen = Set<String>()
        return Reordered(self, keeping: { EntityName.isValid(name($0)) && seen.insert(name($0)).inserted }, by: { name($0) < name($1) })
    }
}
