import Foundation
import Model

extension Silences {
    struct SnapshotV1: Codable {
        struct MatcherDTO: Codable {
            var name: String
            var value: String
            var isRegex: Bool
            var isEqual: Bool
        }
        struct SilenceDTO: Codable {
            var id: String
            var matchers: [MatcherDTO]
            var startsAt: Int64
            var endsAt: Int64
            var updatedAt: Int64
            var createdBy: String
            var comment: String
        }
        var version = 1
        var silences: [SilenceDTO]
    }

    /// The snapshot (JSON, format version 1), silences sorted by id.
    public func snapshot() throws -> Data {
        let dto = SnapshotV1(silences: all.map { s in
            SnapshotV1.SilenceDTO(id: s.id, matchers: s.matchers.map {
                SnapshotV1.MatcherDTO(name: $0.name, value: $0.value, isRegex: $0.isRegex, isEqual: $0.isEqual)
            }, startsAt: s.startsAt, endsAt: s.endsAt, updatedAt: s.updatedAt, createdBy: s.createdBy, comment: s.comment)
        })
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return try enc.encode(dto)
    }

    /// Replaces the content with a snapshot written by `snapshot()`.
    public mutating func restore(from data: Data) throws {
        let dto: SnapshotV1
        do {
            dto = try JSONDecoder().decode(SnapshotV1.self, from: data)
        } catch {
            throw SnapshotError("silences snapshot: \(error)")
        }
        guard dto.version == 1 else { throw SnapshotError("silences snapshot: unsupported version \(dto.version)") }
        var list: [Silence] = []
        for s in dto.silences {
            var ms: [Matcher] = []
            for m in s.matchers {
                let kind: Matcher.Kind = m.isRegex ? (m.isEqual ? .regexMatch : .regexNoMatch) : (m.isEqual ? .equal : .notEqual)
                do {
                    ms.append(try Matcher(kind, m.name, m.value))
                } catch {
                    throw SnapshotError("silences snapshot: silence \(s.id): \(error)")
                }
            }
            list.append(Silence(id: s.id, matchers: ms, startsAt: s.startsAt, endsAt: s.endsAt, updatedAt: s.updatedAt,
                                createdBy: s.createdBy, comment: s.comment))
        }
        load(list)
    }
}
