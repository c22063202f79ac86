import Testing

@testable import ParamCalcCore

/// Where a session keeps its layers (`LayerStore`) and what renderers remember of them
/// (`LayerCache`): each definition, shape and definition-on-a-shape once.
@Suite("Layer store and layer caches")
struct LayerStoreTests {
  /// A long model of a few kinds of layers holds a few definitions, placements and shapes, and
  /// one number per layer; a shape change is inferred once per new input, then shared again.
  @Test func repeatedLayersShareTheirPlacement() throws {
    var i = Interpreter()
    _ = try i.run(line: "input (None,16)")
    for k in 0..<10_000 {
      _ = try i.run(line: k % 2 == 0 ? "add dense units=16" : "add layernormalization")
    }
    #expect(i.session.count == 10_000)
    #expect(i.session.store.sizes == (definitions: 2, placements: 2, shapes: 1))
    _ = try i.run(line: "input (None,8)")
    // Layer 1 now sees (None, 8); every later layer still sees (None, 16): one new placement.
    #expect(i.session.store.sizes == (definitions: 2, placements: 3, shapes: 2))
    #expect(
      i.session.layers[0].params == 8 * 16 + 16 && i.session.layers[1].input == Shape([nil, 16]))
  }

  /// An edit's outcome carries its layer as a value: a removed layer as it was, a changed one as
  /// it now is, whatever the session does next.
  @Test func outcomesCarryTheirLayer() throws {
    var i = Interpreter()
    _ = try i.run(line: "input (None,4)")
    _ = try i.run(line: "add dense units=8")
    guard case .edit(_, let removed)? = try i.run(line: "remove 1")?.1 else {
      Issue.record("remove gave no edit")
      return
    }
    _ = try i.run(line: "clear")
    let l = try #require(removed.layer)
    #expect(l.typeName == "Dense" && l.params == 40 && l.output == Shape([nil, 8]))
    #expect(removed.kind == .removed && removed.index == 1)
  }

  /// Two kinds of layer that fall in the same slots (as two definitions a `set` flips between
  /// can) are both remembered, so neither is formatted again and again.
  @Test func layerTextCacheKeepsTwoThatMeet() throws {
    var i = Interpreter()
    _ = try i.run(line: "input (None,4)")
    let input = Shape([4])
    func layer(_ p: Piece) -> ModelLayer {
      ModelLayer(piece: p, input: input, output: input, trainable: 0, nonTrainable: 0)
    }
    // Definitions until two share a slot pair (32 pairs: found within a few dozen).
    var byWay: [Int: Piece] = [:]
    var pair: (Piece, Piece)?
    for units in 1...1000 where pair == nil {
      let built = try i.session.build(
        LayerRequest(
          type: "dense", typeSpan: Span(0, 5),
          arguments: [Argument(key: "units", value: .int(units), span: .none, valueSpan: .none)]),
        end: Span(0, 0))
      let way = LayerTextCache.way(layer(built.piece))
      if let other = byWay[way] { pair = (other, built.piece) } else { byWay[way] = built.piece }
    }
    let (a, b) = try #require(pair)
    var cache = LayerTextCache()
    cache.store(layer(a), [1])
    cache.store(layer(b), [2])
    #expect(cache.lookup(layer(a)) == [1] && cache.lookup(layer(b)) == [2])
    // The same definition on another input is another entry.
    let other = ModelLayer(
      piece: a, input: Shape([5]), output: Shape([5]), trainable: 0, nonTrainable: 0)
    #expect(cache.lookup(other) == nil)
  }

  /// The summary's memo makes a value once per definition on an input, and keeps no more than
  /// its limit.
  @Test func memoMakesEachOnce() throws {
    let s = try model(
      "input (None,4)", "add dense units=4", "add dense units=4", "add dense units=8",
      "add dense units=4")
    var made = 0
    var memo = LayerMemo<Int>(limit: 2)
    for l in s.layers {
      _ = memo.value(for: l) { _ in
        made += 1
        return made
      }
    }
    // dense 4 on (None,4), dense 8 on (None,4), dense 4 on (None,8).
    #expect(made == 3)
    for l in s.layers {
      _ = memo.value(for: l) { _ in
        made += 1
        return made
      }
    }
    // Past the limit, the third is made again each time.
    #expect(made == 4)
  }
}
