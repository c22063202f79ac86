/// Did-you-mean: the closest known word to a mistyped one.
public enum Suggestion {
  /// The candidate nearest to `word` by edit distance (case-insensitive), if it is near enough to
  /// be a likely typo: at most a third of the word's length, and at least 1.
  public static func nearest<S: Sequence>(to word: String, in candidates: S) -> String?
  where S.Element == String {
    // A word this long is no typo of a short name (and comparing it would cost time).
    guard word.utf8.count <= 64 else { return nil }
    let w = Array(word.lowercased().utf8)
    let limit = max(1, min(3, w.count / 3))
    var best: (String, Int)?
    for c in candidates {
      let d = distance(w, Array(c.lowercased().utf8))
      if d <= limit, best == nil || d < best!.1 { best = (c, d) }
    }
    return best?.0
  }

  /// Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps.
  static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev2 = [Int](repeating: 0, count: b.count + 1)
    var prev = Array(0...b.count)
    var cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      cur[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        var v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { v = min(v, prev2[j - 2] + 1) }
        cur[j] = v
      }
      (prev2, prev, cur) = (prev, cur, prev2)
    }
    return prev[b.count]
  }
}
