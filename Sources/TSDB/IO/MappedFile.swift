import Glibc

/// A read-only memory map of a whole file, unmapped when released.
final class MappedFile: @unchecked Sendable {
    /// Immutable after init; the mapping is read-only, so sharing it across threads is safe.
    let bytes: UnsafeRawBufferPointer
    let path: String

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw StorageError.io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw StorageError.io(path: path, operation: "stat", errno: errno) }
        let size = Int(st.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), p != MAP_FAILED else {
            throw StorageError.io(path: path, operation: "mmap", errno: errno)
        }
        bytes = UnsafeRawBufferPointer(start: p, count: size)
    }

    deinit {
        if let b = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: b), bytes.count) }
    }
}

/// Storage failures, each naming the file and the operating system's reason.
public enum StorageError: Error, CustomStringConvertible, Equatable, Sendable {
    case io(path: String, operation: String, errno: Int32)
    case corrupt(path: String, reason: String)
    case locked(path: String)
    case newerFormat(path: String, found: Int, supported: Int)

    public var description: String {
        switch self {
        case .io(let p, let op, let e): return "\(op) \(p): \(String(cString: strerror(e)))"
        case .corrupt(let p, let r): return "corrupt \(p): \(r)"
        case .locked(let p):
            return "lock \(p): another process is using this storage directory (remove the lock file only if no Klaxon is running)"
        case .newerFormat(let p, let f, let s):
            return "\(p) was written by a newer Klaxon (storage format \(f); this one reads up to \(s)); refusing to open it"
        }
    }
}
