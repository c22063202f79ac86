/// What an edit did, for reporting: the layer concerned and how.
public struct EditOutcome: Sendable {
  public enum Kind: String, Sendable, Equatable {
    case added, inserted, removed, changed, input, cleared, loaded, outputs
  }
  public var kind: Kind
  /// 1-based index of the layer concerned, when there is one.
  public var index: Int?
  /// The layer concerned (a removed layer as it was).
  public var layer: ModelLayer?
  /// How many later layers had their shapes re-inferred.
  public var reinferred: Int = 0
  /// When later layers were re-inferred: the first of them, before and after, and the total
  /// before the edit (one reference, nil for the common edit that re-infers nothing).
  var changed: ChangedLayers?
  /// For a layer changed in place (`set`, or its undo and redo): the layer as it was. (Kept in
  /// `changed`, so that the outcome of the common edit stays small: it is returned for every
  /// line of a script.)
  public var previous: ModelLayer? { changed?.previous }
  public var totalBefore: Int? { changed?.totalBefore }
  var changes: [LayerChange] { changed?.layers ?? [] }
}

/// The later layers an edit re-inferred (at most `LayerChange.shown` of them), and the total
/// before it.
final class ChangedLayers: Sendable {
  let layers: [LayerChange]
  let totalBefore: Int
  /// The layer changed in place, as it was.
  let previous: ModelLayer?
  init(layers: [LayerChange], totalBefore: Int, previous: ModelLayer? = nil) {
    self.layers = layers
    self.totalBefore = totalBefore
    self.previous = previous
  }
}

/// A later layer that an edit re-inferred: its number after the edit, and the layer before and
/// after (its input, and so perhaps its count and output, changed).
struct LayerChange: Sendable {
  /// How many an edit's outcome lists; the rest are counted.
  static let shown = 8
  let index: Int
  let before: ModelLayer
  let after: ModelLayer
}
