#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A hash map from raw series text (`name{labels}` as it appears in the page) to a small
/// integer, looked up without building a `String` or copying the bytes: the keys live in one
/// byte arena, slots are open-addressed with linear probing. Entries are numbered in insertion
/// order, which is page order, so a caller can try "the entry after the last one" first.
struct SeriesTextTable {
    private struct Entry {
        var hash: UInt64
        var offset: Int
        var length: Int
        var value: Int32
    }

    private var arena: [UInt8] = []
    private var entries: [Entry] = []
    /// Entry index + 1; 0 is empty. A power of two long.
    private var slots = [Int32](repeating: 0, count: 64)

    var count: Int { entries.count }

    /// The entry (insertion order) and value of `key`.
    func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (entry: Int, value: Int32)? {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        return arena.withUnsafeBufferPointer { a -> (entry: Int, value: Int32)? in
            while true {
                let s = slots[i]
                if s == 0 { return nil }
                let e = entries[Int(s) - 1]
                if e.hash == hash && e.length == key.count
                    && (key.count == 0 || memcmp(a.baseAddress! + e.offset, key.baseAddress!, key.count) == 0) {
                    return (Int(s) - 1, e.value)
                }
                i = (i + 1) & mask
            }
        }
    }

    /// Calls `body` with the key of entry `i` (entries are numbered in insertion order).
    func withKey<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let e = entries[i]
        return arena.withUnsafeBufferPointer { a in body(UnsafeBufferPointer(rebasing: a[e.offset..<e.offset + e.length])) }
    }

    func value(_ i: Int) -> Int32 { entries[i].value }

    /// Adds a key that `find` did not have; returns its entry.
    @discardableResult
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64, value: Int32) -> Int {
        if (entries.count + 1) * 2 > slots.count { grow() }
        entries.append(Entry(hash: hash, offset: arena.count, length: key.count, value: value))
        arena.append(contentsOf: key)
        place(Int32(entries.count), hash: hash)
        return entries.count - 1
    }

    mutating func removeAll() {
        arena = []
        entries = []
        slots = [Int32](repeating: 0, count: 64)
    }

    private mutating func place(_ slot: Int32, hash: UInt64) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = slot
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        for (k, e) in entries.enumerated() { place(Int32(k + 1), hash: e.hash) }
    }
}
