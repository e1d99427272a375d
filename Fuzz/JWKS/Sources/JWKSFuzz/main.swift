// The entry point: hands over to libFuzzer. SwiftPM links an executable's top-level code as its
// `main` (it renames the entry point so tests can link executables), which leaves libFuzzer's own
// `main` unused; LLVMFuzzerRunDriver is the driver behind it, takes the same arguments and calls
// LLVMFuzzerTestOneInput (JWKSFuzz.swift) for each input.
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

@_extern(c, "LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzJWKS))
