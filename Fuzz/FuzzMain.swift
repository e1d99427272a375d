// The one libFuzzer entry point of the swiftc fuzz binary. The yaml, validate, config and encoders
// targets share it so the library is compiled once; AUDREG_FUZZ_TARGET (set by scripts/fuzz.sh)
// picks the target, read once because libFuzzer calls this for every input.
import Foundation

private let fuzzTarget: (UnsafePointer<UInt8>, Int) -> CInt = {
    let name = getenv("AUDREG_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    switch name {
    case "yaml": return fuzzYAMLLoader
    case "validate": return fuzzValidate
    case "config": return fuzzConfigReaders
    case "encoders": return fuzzEncoders
    default:
        fputs("AUDREG_FUZZ_TARGET must be yaml, validate, config or encoders (got '\(name)'); run scripts/fuzz.sh\n", stderr)
        exit(2)
    }
}()

// libFuzzer calls this once before any input: a wrong target name stops the run here, before an
// exit during fuzzing would be recorded as a crash.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: OpaquePointer?, _ argv: OpaquePointer?) -> CInt {
    _ = fuzzTarget
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzTarget(data, size)
}
