import Foundation
import AudregCore

/// One file of the site being written: opened before its content is produced, so what an output buffer
/// drains (`OutputBuffer.draining`) goes straight to it and a page of megabytes is never held whole.
/// Plain open/write/close: the folder is swapped in as a whole afterwards, so per-file atomic writes
/// (and their fsync) would only slow large sites down.
final class SiteFileWriter {
    private var descriptor: Int32
    private let path: String
    /// The first write's failure (errno); later writes are skipped, and `finish` reports it.
    private var failure: Int32?

    /// `descriptor` was just opened for `path`; below zero, the open failed (errno says why).
    init(descriptor: Int32, path: String) throws {
        guard descriptor >= 0 else { throw SiteBuildError.output("cannot write '\(path)': \(String(cString: strerror(errno)))") }
        self.descriptor = descriptor
        self.path = path
    }

    convenience init(path: String) throws {
        try self.init(descriptor: open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644), path: path)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Appends `bytes` to the file. A failure is kept for `finish`, since a drain cannot throw.
    func write(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil, let start = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = Foundation.write(descriptor, start + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                failure = errno
                return
            }
            offset += written
        }
    }

    /// Writes what `body` appends to `buffer`, draining it into the file as it fills, then the rest,
    /// and closes the file. Returns `body`'s result and the file's stamp after its last write (nil if
    /// fstat fails), for the incremental build's record.
    func write<Result>(from buffer: OutputBuffer, _ body: () throws -> Result) throws -> (Result, FileStamp?) {
        buffer.removeAll()
        let result = try buffer.draining(into: { [self] in write($0) }, body)
        write(buffer.bytes)
        buffer.removeAll()
        return (result, try finish())
    }

    /// Closes the file, or throws the first write's failure. Returns its stamp after the last write.
    @discardableResult
    func finish() throws -> FileStamp? {
        defer {
            close(descriptor)
            descriptor = -1
        }
        if let failure { throw SiteBuildError.output("cannot write '\(path)': \(String(cString: strerror(failure)))") }
        return FileStamp.open(descriptor)
    }
}
