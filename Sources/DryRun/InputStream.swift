import Foundation

/// Reads a file in blocks of whole lines, decompressing `.gz` files through `gzip -dc`
/// (`/usr/bin/gzip`; libz is not exposed by Foundation on Linux).
struct LineBlockReader {
    let path: String
    var blockSize = 4 << 20

    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    /// True when the file starts with gzip's magic bytes.
    static func isGzip(_ path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        let magic = (try? h.read(upToCount: 2)) ?? Data()
        return magic.count == 2 && magic[magic.startIndex] == 0x1f && magic[magic.startIndex + 1] == 0x8b
    }

    /// Calls `body` with buffers that each end at a line boundary (the last may lack a newline).
    func forEachBlock(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ReadError(description: "open \(path): no such file or not readable")
        }
        var process: Process?
        let handle: FileHandle
        if Self.isGzip(path) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
            p.arguments = ["-dc", path]
            let pipe = Pipe()
            p.standardOutput = pipe
            p.standardError = FileHandle.nullDevice
            p.standardInput = FileHandle.nullDevice
            try p.run()
            process = p
            handle = pipe.fileHandleForReading
        } else {
            guard let h = FileHandle(forReadingAtPath: path) else {
                throw ReadError(description: "open \(path): cannot read")
            }
            handle = h
        }
        defer {
            try? handle.close()
            if let p = process, p.isRunning { p.terminate() }
        }
        var carry: [UInt8] = []
        while true {
            let data = try handle.read(upToCount: blockSize) ?? Data()
            if data.isEmpty { break }
            var block = carry
            block.append(contentsOf: data)
            guard let lastNewline = block.lastIndex(of: 10) else {
                carry = block
                continue
            }
            carry = Array(block[(lastNewline + 1)...])
            try block.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[...lastNewline])) }
        }
        if !carry.isEmpty { try carry.withUnsafeBufferPointer { try body($0) } }
        if let p = process {
            p.waitUntilExit()
            if p.terminationStatus != 0 {
                throw ReadError(description: "\(path): gzip -dc exited with status \(p.terminationStatus)")
            }
        }
    }
}
