// libFuzzer target: arbitrary bytes through the YAML parser and the registry loader.
// Built by scripts/fuzz.sh together with the library's sources (no package dependencies needed).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzYAMLLoader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parsed = YAMLParser.parse(bytes: bytes)
    for diagnostic in parsed.diagnostics {
        precondition(diagnostic.position.line >= 1 && diagnostic.position.column >= 1, "positions are 1-based")
    }
    _ = RegistryLoader().load(sources: [("fuzz.yaml", bytes)])
    return 0
}
