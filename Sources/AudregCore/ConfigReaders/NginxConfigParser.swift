/// nginx's configuration syntax, as nginx's own lexer (`ngx_conf_read_token`) reads it: directives of
/// words ended by `;` or by a `{ … }` block, words quoted with `"` or `'`, `\` escapes (`\"`, `\'`,
/// `\\`, `\t`, `\r`, `\n`; any other `\x` keeps its backslash), `#` comments from a word's start to the
/// end of the line, and `${name}` variables whose braces do not open a block. Every word keeps its
/// 1-based line and column (columns count Unicode scalars, as the YAML readers' do). `include` is
/// parsed like any directive and never followed: the caller decides what to say about it.
struct NginxDirective: Sendable {
    var name: Located<String>
    /// The arguments after the name, unescaped.
    var args: [Located<String>]
    /// Whether each argument was quoted (a quoted `~x` is still a regex key in a map; a quoted word
    /// is never a special parameter of nginx's own).
    var quoted: [Bool]
    /// The block's directives, or nil for a directive ended by `;`.
    var block: [NginxDirective]?

    var location: SourceLocation { name.location }
}

enum NginxConfigParser {
    /// Nesting deeper than this is refused rather than recursed into (nginx itself has no limit, but
    /// real configs nest a handful of levels).
    static let maxDepth = 64

    struct Token {
        enum Kind { case word, open, close, semicolon }
        var kind: Kind
        var text: String
        var quoted: Bool
        var line: Int
        var column: Int
    }

    static func parse(_ bytes: [UInt8], file: String) throws(DeploymentReadError) -> [NginxDirective] {
        let tokens = try tokenize(bytes, file: file)
        var index = 0
        return try directives(tokens, &index, depth: 0, opener: nil, file: file)
    }

    private static func directives(_ tokens: [Token], _ index: inout Int, depth: Int, opener: Token?, file: String) throws(DeploymentReadError) -> [NginxDirective] {
        if depth > maxDepth {
            throw DeploymentReadError("blocks nested more than \(maxDepth) deep", at: opener.map { SourceLocation(file: file, line: $0.line, column: $0.column) })
        }
        var result: [NginxDirective] = []
        var words: [Token] = []
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            switch token.kind {
            case .word:
                words.append(token)
            case .semicolon:
                guard let first = words.first else {
                    throw DeploymentReadError("unexpected \";\"", at: SourceLocation(file: file, line: token.line, column: token.column))
                }
                result.append(directive(first, Array(words.dropFirst()), block: nil, file: file))
                words = []
            case .open:
                guard let first = words.first else {
                    throw DeploymentReadError("unexpected \"{\"", at: SourceLocation(file: file, line: token.line, column: token.column))
                }
                let block = try directives(tokens, &index, depth: depth + 1, opener: token, file: file)
                result.append(directive(first, Array(words.dropFirst()), block: block, file: file))
                words = []
            case .close:
                if let first = words.first {
                    throw DeploymentReadError("directive \"\(first.text)\" is not terminated by \";\"", at: SourceLocation(file: file, line: first.line, column: first.column))
                }
                guard opener != nil else {
                    throw DeploymentReadError("unexpected \"}\"", at: SourceLocation(file: file, line: token.line, column: token.column))
                }
                return result
            }
        }
        if let first = words.first {
            throw DeploymentReadError("unexpected end of file, expecting \";\" or \"}\" after directive \"\(first.text)\"",
                                      at: SourceLocation(file: file, line: first.line, column: first.column))
        }
        if let opener {
            throw DeploymentReadError("unexpected end of file, expecting \"}\" for the block opened here", at: SourceLocation(file: file, line: opener.line, column: opener.column))
        }
        return result
    }

    private static func directive(_ name: Token, _ args: [Token], block: [NginxDirective]?, file: String) -> NginxDirective {
        func located(_ token: Token) -> Located<String> {
            Located(token.text, at: SourceLocation(file: file, line: token.line, column: token.column))
        }
        return NginxDirective(name: located(name), args: args.map(located), quoted: args.map(\.quoted), block: block)
    }

    static func tokenize(_ bytes: [UInt8], file: String) throws(DeploymentReadError) -> [Token] {
        let scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        var tokens: [Token] = []
        var i = 0
        var line = 1
        var column = 1
        func advance() {
            if scalars[i] == "\n" { line += 1; column = 1 } else { column += 1 }
            i += 1
        }
        func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" }
        while i < scalars.count {
            let c = scalars[i]
            if isSpace(c) { advance(); continue }
            let startLine = line, startColumn = column
            switch c {
            case "#":
                while i < scalars.count, scalars[i] != "\n" { advance() }
            case ";":
                tokens.append(Token(kind: .semicolon, text: ";", quoted: false, line: line, column: column)); advance()
            case "{":
                tokens.append(Token(kind: .open, text: "{", quoted: false, line: line, column: column)); advance()
            case "}":
                tokens.append(Token(kind: .close, text: "}", quoted: false, line: line, column: column)); advance()
            case "\"", "'":
                let quote = c
                advance()
                var raw: [Unicode.Scalar] = []
                var closed = false
                while i < scalars.count {
                    let d = scalars[i]
                    if d == "\\", i + 1 < scalars.count {
                        raw.append(d); advance(); raw.append(scalars[i]); advance(); continue
                    }
                    if d == quote { advance(); closed = true; break }
                    raw.append(d); advance()
                }
                guard closed else {
                    throw DeploymentReadError("unterminated quoted string", at: SourceLocation(file: file, line: startLine, column: startColumn))
                }
                if i < scalars.count, !isSpace(scalars[i]), scalars[i] != ";", scalars[i] != "{", scalars[i] != "}" {
                    throw DeploymentReadError("unexpected \"\(scalars[i])\" after a quoted string; nginx needs a space, \";\" or \"{\" there",
                                              at: SourceLocation(file: file, line: line, column: column))
                }
                tokens.append(Token(kind: .word, text: unescape(raw), quoted: true, line: startLine, column: startColumn))
            default:
                var raw: [Unicode.Scalar] = []
                var inVariable = false
                while i < scalars.count {
                    let d = scalars[i]
                    if d == "\\", i + 1 < scalars.count {
                        raw.append(d); advance(); raw.append(scalars[i]); advance(); continue
                    }
                    if inVariable {
                        raw.append(d); advance()
                        if d == "}" { inVariable = false }
                        continue
                    }
                    if d == "{", raw.last == "$" { inVariable = true; raw.append(d); advance(); continue }
                    if isSpace(d) || d == ";" || d == "{" || d == "}" { break }
                    raw.append(d); advance()
                }
                if inVariable {
                    throw DeploymentReadError("the variable name is not terminated by \"}\"", at: SourceLocation(file: file, line: startLine, column: startColumn))
                }
                tokens.append(Token(kind: .word, text: unescape(raw), quoted: false, line: startLine, column: startColumn))
            }
        }
        return tokens
    }

    /// nginx's unescaping: `\"`, `\'` and `\\` lose the backslash, `\t`, `\r`, `\n` become control
    /// characters, and any other backslash stays.
    static func unescape(_ raw: [Unicode.Scalar]) -> String {
        var result = String.UnicodeScalarView()
        var i = 0
        while i < raw.count {
            if raw[i] == "\\", i + 1 < raw.count {
                switch raw[i + 1] {
                case "\"", "'", "\\": result.append(raw[i + 1]); i += 2; continue
                case "t": result.append("\t"); i += 2; continue
                case "r": result.append("\r"); i += 2; continue
                case "n": result.append("\n"); i += 2; continue
                default: break
                }
            }
            result.append(raw[i])
            i += 1
        }
        return String(result)
    }
}
