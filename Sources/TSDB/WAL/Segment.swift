#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Segment files and the few POSIX calls the WAL makes. Every failure becomes a
// `WALError.io` naming the call, the path and errno.

/// File-system helpers of the WAL: names, listing, and the POSIX calls with errors that say where.
enum WALFiles {
    /// `00000042`: a segment's file name.
    static func segmentName(_ index: Int) -> String {
        let s = String(index)
        return s.count >= 8 ? s : String(repeating: "0", count: 8 - s.count) + s
    }

    static func joinPath(_ dir: String, _ name: String) -> String {
        dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    static let posixWrite: WALWriteFunction = { fd, bytes, count, offset in pwrite(fd, bytes, count, off_t(offset)) }

    // MARK: POSIX calls

    /// `open(2)` with close-on-exec, retried on EINTR; -1 with errno on failure.
    static func openFile(_ path: String, _ flags: Int32) -> Int32 {
        retryingEINTR { open(path, flags | O_CLOEXEC, 0o644) }
    }

    static func closeFile(_ fd: Int32) {
        _ = close(fd)
    }

    @inline(__always)
    static func retryingEINTR(_ call: () -> Int32) -> Int32 {
        while true {
            let r = call()
            if r == -1 && errno == EINTR { continue }
            return r
        }
    }

    /// `fdatasync` where it exists: a segment's data and size, not its timestamps.
    static func syncData(_ fd: Int32) -> Int32 {
        #if canImport(Darwin)
        return retryingEINTR { fsync(fd) }
        #else
        return retryingEINTR { fdatasync(fd) }
        #endif
    }

    /// Makes created, renamed and deleted entries of `directory` durable.
    static func syncDirectory(_ directory: String) throws(WALError) {
        let fd = openFile(directory, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { throw .io(operation: "open directory", path: directory, errno: errno) }
        defer { close(fd) }
        if retryingEINTR({ fsync(fd) }) != 0 { throw .io(operation: "fsync directory", path: directory, errno: errno) }
    }

    /// `mkdir -p`.
    static func makeDirectories(_ path: String) throws(WALError) {
        var st = stat()
        if stat(path, &st) == 0 {
            if (st.st_mode & S_IFMT) == S_IFDIR { return }
            throw .io(operation: "mkdir", path: path, errno: ENOTDIR)
        }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try makeDirectories(String(path[..<slash]))
        }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw .io(operation: "mkdir", path: path, errno: errno)
        }
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    static func fileSize(_ path: String) throws(WALError) -> Int {
        var st = stat()
        guard stat(path, &st) == 0 else { throw .io(operation: "stat", path: path, errno: errno) }
        return Int(st.st_size)
    }

    /// Names in `directory`, without `.` and `..`.
    static func listDirectory(_ directory: String) throws(WALError) -> [String] {
        guard let dir = opendir(directory) else { throw .io(operation: "list", path: directory, errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                    String(cString: $0)
                }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Segment indexes in `directory` (names of exactly digits), ascending.
    static func listSegments(_ directory: String) throws(WALError) -> [Int] {
        try listDirectory(directory).compactMap { name in
            guard !name.isEmpty, name.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            return Int(name)
        }.sorted()
    }

    /// Throws unless `indexes` (ascending) have no gaps.
    static func checkSequential(_ indexes: [Int], in directory: String) throws(WALError) {
        for (a, b) in zip(indexes, indexes.dropFirst()) where b != a + 1 {
            throw .segmentsNotSequential(directory: directory, previous: a, next: b)
        }
    }

    static func removeFile(_ path: String) throws(WALError) {
        if unlink(path) != 0 && errno != ENOENT { throw .io(operation: "remove", path: path, errno: errno) }
    }

    /// Removes a directory of plain files (a checkpoint). Missing is fine.
    static func removeFlatDirectory(_ path: String) throws(WALError) {
        guard isDirectory(path) else { return }
        for name in try listDirectory(path) { try removeFile(joinPath(path, name)) }
        if rmdir(path) != 0 && errno != ENOENT { throw .io(operation: "remove directory", path: path, errno: errno) }
    }

    static func renameFile(_ from: String, to: String) throws(WALError) {
        if rename(from, to) != 0 { throw .io(operation: "rename to \(to)", path: from, errno: errno) }
    }

    /// Cuts `path` to `length` bytes and syncs it.
    static func truncateFile(_ path: String, to length: Int) throws(WALError) {
        let fd = openFile(path, O_WRONLY)
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        if retryingEINTR({ ftruncate(fd, off_t(length)) }) != 0 { throw .io(operation: "truncate", path: path, errno: errno) }
        if syncData(fd) != 0 { throw .io(operation: "fsync", path: path, errno: errno) }
    }

    /// `checkpoint.00000042`: the directory holding the checkpoint of segments up to 42.
    static func checkpointName(_ index: Int) -> String { "checkpoint." + segmentName(index) }

    static let checkpointPrefix = "checkpoint."
    static let temporarySuffix = ".tmp"

    /// Checkpoints in `directory` (complete ones only, not `.tmp`), ascending by index.
    static func listCheckpoints(in directory: String) throws(WALError) -> [(index: Int, path: String)] {
        try listDirectory(directory).compactMap { name -> (index: Int, path: String)? in
            guard name.hasPrefix(checkpointPrefix) else { return nil }
            let digits = name.dropFirst(checkpointPrefix.count)
            guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let i = Int(digits) else { return nil }
            let path = joinPath(directory, name)
            return isDirectory(path) ? (i, path) : nil
        }.sorted { $0.index < $1.index }
    }

    static func newestCheckpoint(in directory: String) throws(WALError) -> (index: Int, path: String)? {
        try listCheckpoints(in: directory).last
    }
}

/// The test seam for the one call that puts record bytes on disk: `pwrite(fd, bytes, count, offset)`.
/// Returns the byte count or -1 with `errno` set.
typealias WALWriteFunction = @Sendable (_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int, _ offset: Int64) -> Int


/// The segment being appended to. Owned by one `WAL` (under its lock) or one checkpoint writer.
struct SegmentWriter {
    let index: Int
    let path: String
    /// Open for writing; -1 once closed.
    private(set) var fd: Int32
    /// End of the last durable record: everything before it is whole frames, written and synced.
    /// Writes go to this offset with `pwrite`, so a failed write can be cut off here.
    private(set) var offset: Int
    /// A failed write could not be truncated back to `offset`; the next append retries first.
    private(set) var needsTruncate = false

    /// Creates segment `index` in `directory` (it must not exist) and syncs the directory.
    static func create(directory: String, index: Int) throws(WALError) -> SegmentWriter {
        let path = WALFiles.joinPath(directory, WALFiles.segmentName(index))
        let fd = WALFiles.openFile(path, O_WRONLY | O_CREAT | O_EXCL)
        guard fd >= 0 else { throw .io(operation: "create", path: path, errno: errno) }
        let w = SegmentWriter(index: index, path: path, fd: fd, offset: 0)
        do throws(WALError) { try WALFiles.syncDirectory(directory) } catch {
            WALFiles.closeFile(fd)
            throw error
        }
        return w
    }

    /// Opens an existing segment to append after its current end (which the caller validated).
    static func openExisting(directory: String, index: Int) throws(WALError) -> SegmentWriter {
        let path = WALFiles.joinPath(directory, WALFiles.segmentName(index))
        let fd = WALFiles.openFile(path, O_WRONLY)
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            WALFiles.closeFile(fd)
            throw .io(operation: "stat", path: path, errno: e)
        }
        return SegmentWriter(index: index, path: path, fd: fd, offset: Int(st.st_size))
    }

    /// Writes `bytes` at `offset`, then syncs. On any failure the file is cut back to `offset`
    /// (so no partial frame stays behind) and the error is thrown; `offset` advances only on success.
    mutating func append(_ bytes: UnsafeRawBufferPointer, using write: WALWriteFunction) throws(WALError) {
        precondition(fd >= 0, "append to closed segment \(path)")
        if needsTruncate {
            try cutBack(after: nil)
        }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        var done = 0
        while done < bytes.count {
            let n = write(fd, base + done, bytes.count - done, Int64(offset + done))
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                try cutBack(after: .io(operation: "write", path: path, errno: e))
            }
            if n == 0 {
                // POSIX allows this only for a full device; treat it as one.
                try cutBack(after: .io(operation: "write", path: path, errno: ENOSPC))
            }
            done += n
        }
        if WALFiles.syncData(fd) != 0 {
            try cutBack(after: .io(operation: "fsync", path: path, errno: errno))
        }
        offset += bytes.count
    }

    /// Truncates the file to `offset` and syncs, then throws `error` (if any).
    /// If the truncation itself fails, that failure is thrown and `needsTruncate` stays set.
    private mutating func cutBack(after error: WALError?) throws(WALError) {
        needsTruncate = true
        if WALFiles.retryingEINTR({ ftruncate(fd, off_t(offset)) }) != 0 {
            let e = errno
            if let error { throw error }  // The original cause matters most; we retry next time.
            throw .io(operation: "truncate", path: path, errno: e)
        }
        _ = WALFiles.syncData(fd)
        needsTruncate = false
        if let error { throw error }
    }

    /// Syncs and closes. Idempotent.
    mutating func close() throws(WALError) {
        guard fd >= 0 else { return }
        let syncFailed = WALFiles.syncData(fd) != 0 ? errno : 0
        WALFiles.closeFile(fd)
        fd = -1
        if syncFailed != 0 { throw .io(operation: "fsync", path: path, errno: syncFailed) }
    }
}

/// A reusable buffer that holds one whole segment while it is parsed.
final class ReadBuffer {
    private(set) var storage: UnsafeMutableRawBufferPointer
    init() { storage = .allocate(byteCount: 0, alignment: 16) }
    deinit { storage.deallocate() }

    /// Reads the file at `path` and returns its bytes (valid until the next `load`).
    func load(_ path: String) throws(WALError) -> UnsafeRawBufferPointer {
        let fd = WALFiles.openFile(path, O_RDONLY)
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .io(operation: "stat", path: path, errno: errno) }
        let size = Int(st.st_size)
        if storage.count < size {
            storage.deallocate()
            storage = .allocate(byteCount: size, alignment: 16)
        }
        var done = 0
        while done < size {
            let n = read(fd, storage.baseAddress! + done, size - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "read", path: path, errno: errno)
            }
            if n == 0 { break }  // Shrunk while reading; parse what is there.
            done += n
        }
        return UnsafeRawBufferPointer(rebasing: storage[0..<done])
    }
}
