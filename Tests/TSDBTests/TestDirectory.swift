import Foundation

/// A fresh directory under the system temp dir, removed when released.
final class TestDirectory {
    let path: String
    init(_ name: String = "klaxon-tsdb") {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func sub(_ s: String) -> String { (path as NSString).appendingPathComponent(s) }
}

