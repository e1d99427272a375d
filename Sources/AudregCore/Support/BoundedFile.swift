import Foundation

/// Reads a file without ever holding more than `limit + 1` of its bytes. Every file audreg reads from
/// a registry, a deployment `source`, a template folder, a control catalog or a key set goes through
/// here: the size is checked with `fstat` on the open descriptor (the file that will be read, not the
/// name that was checked), and the read stops one byte past the limit whatever the file claims, so a
/// file that grows or lies about its size still cannot fill the memory.
public enum BoundedFile {
    /// The largest file audreg reads unless a caller says otherwise (documented in SECURITY.md).
    public static let defaultLimit = 16 * 1024 * 1024

    public enum Failure: Error, Sendable, Equatable {
        case cannotOpen(errno: Int32)
        /// A symbolic link where none was expected (opened with `O_NOFOLLOW`).
        case isLink
        /// A directory, FIFO, socket or device: `/dev/zero` never ends and a FIFO can block forever.
        case notRegular
        case tooLarge(size: Int, limit: Int)
        case readFailed(errno: Int32)

        /// What went wrong and what to do next; names neither the file's bytes nor a link's target.
        public var message: String {
            switch self {
            case .cannotOpen(let code):
                return code == ENOENT ? "the file does not exist" : "cannot open the file (\(String(cString: strerror(code)))); check its permissions"
            case .isLink:
                return "the file is a symbolic link, which audreg does not follow here; replace it with the file itself"
            case .notRegular:
                return "not a regular file; audreg reads only regular files"
            case .tooLarge(let size, let limit):
                return "file is \(size >= 0 ? "\(size) bytes, " : "")larger than the limit of \(limit) bytes; split it into several files"
            case .readFailed(let code):
                return "cannot read the file: \(String(cString: strerror(code)))"
            }
        }
    }

    /// The file's bytes, or why they were not read. `followLinks: false` refuses a path whose last
    /// component is a link, for callers that resolved the path themselves.
    public static func read(_ path: String, limit: Int = defaultLimit, followLinks: Bool = true) -> Result<[UInt8], Failure> {
        // O_NONBLOCK so that opening a FIFO does not wait for a writer; it is refused by fstat below.
        var flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK
        if !followLinks { flags |= O_NOFOLLOW }
        let descriptor = open(path, flags)
        guard descriptor >= 0 else {
            let code = errno
            return .failure(code == ELOOP && !followLinks ? .isLink : .cannotOpen(errno: code))
        }
        defer { close(descriptor) }
        return read(descriptor: descriptor, limit: limit)
    }

    /// Standard input (`--token-file -`), a pipe or a file, read up to the same bound.
    public static func readStandardInput(limit: Int) -> Result<[UInt8], Failure> {
        read(descriptor: STDIN_FILENO, limit: limit, requireRegular: false)
    }

    /// Reads an open descriptor under the same rules; the caller closes it.
    package static func read(descriptor: Int32, limit: Int, requireRegular: Bool = true) -> Result<[UInt8], Failure> {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(.readFailed(errno: errno)) }
        let isRegular = (info.st_mode & S_IFMT) == S_IFREG
        if requireRegular, !isRegular { return .failure(.notRegular) }
        let size = isRegular ? Int(info.st_size) : 0
        if size > limit { return .failure(.tooLarge(size: size, limit: limit)) }
        // The buffer is sized from fstat but capped at limit + 1: one byte past the limit is enough to
        // know a file that grew after fstat is too large, without loading the rest.
        var bytes = [UInt8](repeating: 0, count: min(max(size, 0), limit) + 1)
        var count = 0
        while count <= limit {
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: min(max(bytes.count, 4096), limit + 1 - count))) }
            let got = bytes.withUnsafeMutableBytes { buffer in
                Foundation.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
            }
            if got < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .failure(.readFailed(errno: errno))
            }
            if got == 0 { break }
            count += got
        }
        if count > limit { return .failure(.tooLarge(size: -1, limit: limit)) }
        bytes.removeLast(bytes.count - count)
        return .success(bytes)
    }

    /// The bytes as `Data`, for callers that hand them to Foundation parsers.
    public static func data(_ path: String, limit: Int = defaultLimit) -> Result<Data, Failure> {
        read(path, limit: limit).map { Data($0) }
    }
}
