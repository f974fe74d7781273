import Model

extension Labels {
    /// The notification log's alert hash (`notify.hashAlert`, spec §6): xxHash64 over
    /// `name 0xFF value 0xFF` for each label in name order.
    var notificationLogHash: UInt64 {
        var bytes: [UInt8] = []
        for p in pairs {
            bytes += p.name.utf8; bytes.append(0xff)
            bytes += p.value.utf8; bytes.append(0xff)
        }
        return XXHash64.hash(bytes)
    }
}
