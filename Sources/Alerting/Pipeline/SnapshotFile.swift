import Foundation

/// A state file written atomically: the data goes to `<path>.tmp`, is flushed, then renamed over
/// `path`, so a crash leaves either the old or the new snapshot, never a torn one.
public struct SnapshotFile: Sendable {
    public let path: String
    public init(path: String) { self.path = path }

    public func write(_ data: Data) throws {
        let tmp = path + ".tmp"
        guard FileManager.default.createFile(atPath: tmp, contents: nil) else {
            throw SnapshotError("open \(tmp): cannot create file")
        }
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: tmp))
        do {
            try h.write(contentsOf: data)
            try h.synchronize()
            try h.close()
        } catch {
            try? h.close()
            throw SnapshotError("write \(tmp): \(error)")
        }
        if rename(tmp, path) != 0 {
            throw SnapshotError("rename \(tmp) to \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Nil when the file does not exist (a first start).
    public func read() throws -> Data? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SnapshotError("read \(path): \(error)")
        }
    }
}

public struct SnapshotError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}
