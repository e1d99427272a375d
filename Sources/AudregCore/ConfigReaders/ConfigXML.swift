import CExpat

/// One XML element as libexpat read it: its name, attributes and child elements, the text directly
/// inside it, and positions (its start tag, each attribute's value, the text's first character).
struct ConfigXMLElement: Sendable {
    struct Attribute: Sendable {
        var name: String
        var value: Located<String>
    }

    var name: String
    var attributes: [Attribute] = []
    var children: [ConfigXMLElement] = []
    /// The character data directly inside the element (CDATA included, entities decoded), without the
    /// XML white space around it; nil when there is none.
    var text: Located<String>?
    var location: SourceLocation

    func attribute(_ name: String) -> Located<String>? {
        attributes.first { $0.name == name }?.value
    }

    func child(_ name: String) -> ConfigXMLElement? {
        children.first { $0.name == name }
    }

    func children(_ name: String) -> [ConfigXMLElement] {
        children.filter { $0.name == name }
    }

    /// This element and every element below it whose name is in `names`, in document order
    /// (iterative: the parser bounds the depth, but nothing here needs recursion).
    func elements(named names: Set<String>) -> [ConfigXMLElement] {
        elementsWithAncestors(named: names).map(\.element)
    }

    /// The same, each with the elements that enclose it, outermost first (this one included).
    func elementsWithAncestors(named names: Set<String>) -> [(element: ConfigXMLElement, ancestors: [ConfigXMLElement])] {
        var result: [(element: ConfigXMLElement, ancestors: [ConfigXMLElement])] = []
        var stack: [(element: ConfigXMLElement, ancestors: [ConfigXMLElement])] = [(self, [])]
        while let (element, ancestors) = stack.popLast() {
            if names.contains(element.name) { result.append((element, ancestors)) }
            stack += element.children.reversed().map { ($0, ancestors + [element]) }
        }
        return result
    }
}

/// XML for config readers, parsed by libexpat (a real XML parser; FoundationXML would link libxml2
/// dynamically, and the release binary is static). A DOCTYPE is refused outright: policies never need
/// one, and without it no entity can be declared, so neither entity expansion (billion laughs) nor an
/// external entity can happen. Positions are 1-based lines and columns counting Unicode scalars, as
/// the YAML loader's, computed from expat's byte offsets so that attribute values get their own.
enum ConfigXML {
    static let maxDepth = 128

    /// Expat's callbacks reach the tree being built through this (passed as expat's user data, alive
    /// for the whole parse; only the parsing thread touches it).
    final class Builder {
        /// What expat parses: the file, or its rawxml form escaped (`RawPolicyXML`).
        let bytes: [UInt8]
        /// For an escaped form, the file's offset of each of its bytes.
        let offsets: [Int]?
        let file: String
        let lines: LineTable
        var parser: XML_Parser?
        var stack: [ConfigXMLElement] = []
        /// Text of the element on top of the stack, and the byte offset where it starts.
        var textStack: [(text: String, offset: Int?)] = []
        var root: ConfigXMLElement?
        var error: DeploymentReadError?

        init(bytes: [UInt8], original: [UInt8], offsets: [Int]?, file: String) {
            self.bytes = bytes
            self.offsets = offsets
            self.file = file
            self.lines = LineTable(original)
        }

        func location(_ offset: Int) -> SourceLocation {
            let inFile = offsets.map { offset >= 0 && offset < $0.count ? $0[offset] : ($0.last.map { $0 + 1 } ?? 0) } ?? offset
            let position = lines.position(inFile)
            return SourceLocation(file: file, line: position.line, column: position.column)
        }

        var currentOffset: Int { parser.map { Int(XML_GetCurrentByteIndex($0)) } ?? 0 }

        func stop(_ message: String, at offset: Int? = nil) {
            if error == nil { error = DeploymentReadError(message, at: location(offset ?? currentOffset)) }
            if let parser { XML_StopParser(parser, XML_FALSE) }
        }

        func start(_ name: String, _ attributes: [(String, String)]) {
            guard stack.count < ConfigXML.maxDepth else {
                stop("XML nested deeper than \(ConfigXML.maxDepth) elements")
                return
            }
            let offset = currentOffset
            let count = parser.map { Int(XML_GetCurrentByteCount($0)) } ?? 0
            let valueOffsets = Self.attributeValueOffsets(bytes, start: offset, count: count)
            var element = ConfigXMLElement(name: name, location: location(offset))
            element.attributes = attributes.map { attribute in
                let at = valueOffsets[attribute.0].map(location) ?? element.location
                return ConfigXMLElement.Attribute(name: attribute.0, value: Located(attribute.1, at: at))
            }
            stack.append(element)
            textStack.append(("", nil))
        }

        func end() {
            guard var element = stack.popLast(), let text = textStack.popLast() else { return }
            let trimmed = Self.trimmed(text.text)
            if !trimmed.isEmpty, let offset = text.offset {
                var first = offset
                while first < bytes.count, Self.isXMLSpace(bytes[first]) { first += 1 }
                element.text = Located(trimmed, at: location(first))
            }
            if stack.isEmpty { root = element } else { stack[stack.count - 1].children.append(element) }
        }

        func characters(_ text: String) {
            guard !textStack.isEmpty else { return }
            if textStack[textStack.count - 1].offset == nil { textStack[textStack.count - 1].offset = currentOffset }
            textStack[textStack.count - 1].text += text
        }

        static func isXMLSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

        static func trimmed(_ text: String) -> String {
            let scalars = text.unicodeScalars
            let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
            guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
            return String(scalars[first...last])
        }

        /// Where each attribute's value starts (after its quote) in the start tag at `start`. Expat has
        /// already checked the tag, so this only walks `name = "value"` pairs.
        static func attributeValueOffsets(_ bytes: [UInt8], start: Int, count: Int) -> [String: Int] {
            var result: [String: Int] = [:]
            let end = min(bytes.count, start + count)
            var i = start + 1
            while i < end, !isXMLSpace(bytes[i]), bytes[i] != UInt8(ascii: ">"), bytes[i] != UInt8(ascii: "/") { i += 1 }
            while i < end {
                while i < end, isXMLSpace(bytes[i]) { i += 1 }
                let nameStart = i
                while i < end, !isXMLSpace(bytes[i]), bytes[i] != UInt8(ascii: "="), bytes[i] != UInt8(ascii: ">"), bytes[i] != UInt8(ascii: "/") { i += 1 }
                guard i > nameStart else { break }
                let name = String(decoding: bytes[nameStart..<i], as: UTF8.self)
                while i < end, isXMLSpace(bytes[i]) { i += 1 }
                guard i < end, bytes[i] == UInt8(ascii: "=") else { break }
                i += 1
                while i < end, isXMLSpace(bytes[i]) { i += 1 }
                guard i < end, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else { break }
                let quote = bytes[i]
                i += 1
                result[name] = i
                while i < end, bytes[i] != quote { i += 1 }
                i += 1
            }
            return result
        }
    }

    /// Byte offsets to 1-based line and column (Unicode scalars), by the starts of lines.
    struct LineTable {
        let bytes: [UInt8]
        var starts: [Int] = [0]

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            for (index, byte) in bytes.enumerated() where byte == 0x0A { starts.append(index + 1) }
        }

        func position(_ offset: Int) -> (line: Int, column: Int) {
            let offset = max(0, min(offset, bytes.count))
            var low = 0, high = starts.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if starts[middle] <= offset { low = middle } else { high = middle - 1 }
            }
            // UTF-8 continuation bytes (10xxxxxx) do not start a scalar.
            let column = bytes[starts[low]..<offset].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
            return (low + 1, column)
        }
    }

    /// The document's root element, or why the bytes are not acceptable XML, with the position.
    /// A file that is not well-formed is read again in API Management's `rawxml` form (policy
    /// expressions with unescaped quotes, `<` and `&&`), escaped by `RawPolicyXML`; when that fails
    /// too, the error is the first reading's.
    static func parse(_ bytes: [UInt8], file: String) throws(DeploymentReadError) -> ConfigXMLElement {
        var malformed = false
        do {
            return try parse(bytes, original: bytes, offsets: nil, file: file, malformed: &malformed)
        } catch {
            if malformed, let (escaped, offsets) = RawPolicyXML.escaped(bytes), escaped != bytes {
                var again = false
                if let root = try? parse(escaped, original: bytes, offsets: offsets, file: file, malformed: &again) { return root }
            }
            throw error
        }
    }

    static func parse(_ bytes: [UInt8], original: [UInt8], offsets: [Int]?, file: String,
                      malformed: inout Bool) throws(DeploymentReadError) -> ConfigXMLElement {
        // The encoding is fixed to UTF-8 (a declaration naming another is overridden), so that byte
        // offsets give the right columns.
        guard let parser = XML_ParserCreate("UTF-8") else { throw DeploymentReadError("cannot create an XML parser") }
        defer { XML_ParserFree(parser) }
        let builder = Builder(bytes: bytes, original: original, offsets: offsets, file: file)
        builder.parser = parser
        let context = Unmanaged.passUnretained(builder).toOpaque()
        XML_SetUserData(parser, context)
        XML_SetElementHandler(parser, { context, name, attributes in
            let builder = Unmanaged<Builder>.fromOpaque(context!).takeUnretainedValue()
            var pairs: [(String, String)] = []
            var index = 0
            while let attributes, let key = attributes[index], let value = attributes[index + 1] {
                pairs.append((String(cString: key), String(cString: value)))
                index += 2
            }
            builder.start(name.map { String(cString: $0) } ?? "", pairs)
        }, { context, _ in
            Unmanaged<Builder>.fromOpaque(context!).takeUnretainedValue().end()
        })
        XML_SetCharacterDataHandler(parser, { context, data, length in
            guard let data, length > 0 else { return }
            let text = data.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
                String(decoding: UnsafeBufferPointer(start: $0, count: Int(length)), as: UTF8.self)
            }
            Unmanaged<Builder>.fromOpaque(context!).takeUnretainedValue().characters(text)
        })
        XML_SetStartDoctypeDeclHandler(parser, { context, _, _, _, _ in
            let builder = Unmanaged<Builder>.fromOpaque(context!).takeUnretainedValue()
            // Expat calls this at the end of `<!DOCTYPE name … [`; the finding points at its start.
            let marker = Array("<!DOCTYPE".utf8)
            var start = min(builder.currentOffset, builder.bytes.count)
            while start > 0, !builder.bytes[start...].starts(with: marker) { start -= 1 }
            builder.stop("a DOCTYPE is not accepted (policies need none; refusing it rules out entity expansion and external entities)", at: start)
        })
        XML_SetEntityDeclHandler(parser, { context, _, _, _, _, _, _, _, _ in
            Unmanaged<Builder>.fromOpaque(context!).takeUnretainedValue().stop("an entity declaration is not accepted")
        })
        XML_SetParamEntityParsing(parser, XML_PARAM_ENTITY_PARSING_NEVER)

        let status: XML_Status = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                // Config files are at most a few MiB; a length beyond Int32 is refused rather than cut.
                guard chars.count <= Int(Int32.max) else { return XML_STATUS_ERROR }
                return XML_Parse(parser, chars.baseAddress, Int32(chars.count), 1)
            }
        }
        if let error = builder.error { throw error }
        guard status == XML_STATUS_OK, let root = builder.root else {
            malformed = true
            let code = XML_GetErrorCode(parser)
            let reason = XML_ErrorString(code).map { String(cString: $0) } ?? "unknown error"
            // Expat's line is 1-based and its column 0-based.
            let line = Int(XML_GetCurrentLineNumber(parser))
            let column = Int(XML_GetCurrentColumnNumber(parser)) + 1
            throw DeploymentReadError("not well-formed XML: \(reason)", at: SourceLocation(file: file, line: max(line, 1), column: max(column, 1)))
        }
        return root
    }
}

/// API Management's `rawxml` policy form writes C# policy expressions as they are, inside attribute
/// values (`condition="@(context.Request.Headers.GetValueOrDefault("Authorization","") != "")"`) and
/// text (`@(a && b)`), which is not XML. This escapes exactly the expressions (`@(…)` and `@{…}`,
/// balanced, skipping C# string and character literals) so that expat can read the rest, and keeps
/// for every byte written the offset it came from, so positions stay the file's.
enum RawPolicyXML {
    static func escaped(_ input: [UInt8]) -> ([UInt8], [Int])? {
        var output: [UInt8] = []
        var offsets: [Int] = []
        output.reserveCapacity(input.count + 64)
        offsets.reserveCapacity(input.count + 64)
        func emit(_ bytes: [UInt8], from offset: Int) { output += bytes; offsets += Array(repeating: offset, count: bytes.count) }
        func emit(_ byte: UInt8, from offset: Int) { output.append(byte); offsets.append(offset) }
        func ascii(_ c: Character) -> UInt8 { c.asciiValue! }
        func starts(_ pattern: [UInt8], at i: Int) -> Bool { input[i...].starts(with: pattern) }
        let verbatim: [([UInt8], [UInt8])] = [("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>"), ("<!", ">")].map { (Array($0.utf8), Array($1.utf8)) }

        /// The end (exclusive) of the expression starting with `@(` or `@{` at `i`, or nil.
        func expressionEnd(_ i: Int) -> Int? {
            let open = input[i + 1], close = open == ascii("(") ? ascii(")") : ascii("}")
            var depth = 0, j = i + 1
            while j < input.count {
                let c = input[j]
                if c == ascii("\""), j > 0, input[j - 1] == ascii("@") {
                    // Verbatim string: "" is a quote.
                    j += 1
                    while j < input.count {
                        if input[j] == ascii("\"") { if j + 1 < input.count, input[j + 1] == ascii("\"") { j += 2; continue }; break }
                        j += 1
                    }
                } else if c == ascii("\"") || c == ascii("'") {
                    j += 1
                    while j < input.count, input[j] != c { if input[j] == ascii("\\") { j += 1 }; j += 1 }
                } else if c == open {
                    depth += 1
                } else if c == close {
                    depth -= 1
                    if depth == 0 { return j + 1 }
                }
                j += 1
            }
            return nil
        }
        func emitExpression(_ range: Range<Int>) {
            for k in range {
                switch input[k] {
                case ascii("\""): emit(Array("&quot;".utf8), from: k)
                case ascii("'"): emit(Array("&apos;".utf8), from: k)
                case ascii("<"): emit(Array("&lt;".utf8), from: k)
                case ascii(">"): emit(Array("&gt;".utf8), from: k)
                case ascii("&"): emit(Array("&amp;".utf8), from: k)
                default: emit(input[k], from: k)
                }
            }
        }
        func isExpression(_ i: Int) -> Bool {
            i + 1 < input.count && input[i] == ascii("@") && (input[i + 1] == ascii("(") || input[i + 1] == ascii("{"))
        }

        var i = 0
        while i < input.count {
            // Comments, CDATA sections, processing instructions and declarations are copied as they are.
            if input[i] == ascii("<"), let (opening, closing) = verbatim.first(where: { starts($0.0, at: i) }) {
                var j = i + opening.count
                while j < input.count, !starts(closing, at: j) { j += 1 }
                guard j < input.count else { return nil }
                j += closing.count
                for k in i..<j { emit(input[k], from: k) }
                i = j
                continue
            }
            if input[i] == ascii("<") {
                // A tag: its attribute values may be expressions.
                var j = i
                while j < input.count, input[j] != ascii(">") {
                    let c = input[j]
                    if c == ascii("\"") || c == ascii("'") {
                        emit(c, from: j)
                        j += 1
                        if j < input.count, isExpression(j) {
                            // An expression must end just before the closing quote; anything else is
                            // not rawxml either (and giving up keeps this linear).
                            guard let end = expressionEnd(j), end < input.count, input[end] == c else { return nil }
                            emitExpression(j..<end)
                            j = end
                        } else {
                            while j < input.count, input[j] != c { emit(input[j], from: j); j += 1 }
                        }
                        guard j < input.count else { return nil }
                        emit(c, from: j)
                        j += 1
                        continue
                    }
                    emit(c, from: j)
                    j += 1
                }
                guard j < input.count else { return nil }
                emit(input[j], from: j)
                i = j + 1
            } else if isExpression(i) {
                guard let end = expressionEnd(i) else { return nil }
                emitExpression(i..<end)
                i = end
            } else {
                emit(input[i], from: i)
                i += 1
            }
        }
        return (output, offsets)
    }
}
