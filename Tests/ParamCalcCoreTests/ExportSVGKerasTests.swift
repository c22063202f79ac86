import Testing

@testable import ParamCalcCore

/// `export svg` and `export keras`: the drawing's layout and well-formedness, and the Python
/// text of a small chain and a small graph. (Whether Keras counts what paramcalc counts for the
/// exported scripts is ExportSVGKerasFileTests', from scripts/keras_export_check.py.)
@Suite("SVG and Keras export")
struct ExportSVGKerasTests {
  func session(_ lines: [String]) throws -> Session {
    var interpreter = Interpreter()
    for line in lines { _ = try interpreter.run(line: line) }
    return interpreter.session
  }

  /// The elements of an XML text, checked as a minimal parser checks them: every start tag
  /// closed by the end tag of the same name, in order, and no stray `<` or `&` in text.
  /// Returns the names of the start tags, in order (empty elements included).
  func elements(_ xml: String) -> (names: [String], problems: [String]) {
    var names: [String] = []
    var problems: [String] = []
    var open: [String] = []
    var rest = Substring(xml)
    while let lt = rest.firstIndex(of: "<") {
      let text = rest[..<lt]
      // Character data may hold entity references only.
      var t = text
      while let amp = t.firstIndex(of: "&") {
        let after = t[t.index(after: amp)...]
        guard let semi = after.firstIndex(of: ";"),
          ["amp", "lt", "gt", "quot", "apos"].contains(String(after[..<semi]))
        else {
          problems.append("bare & in text: \(text)")
          break
        }
        t = after[after.index(after: semi)...]
      }
      guard let gt = rest[lt...].firstIndex(of: ">") else {
        problems.append("unclosed tag")
        break
      }
      let tag = rest[rest.index(after: lt)..<gt]
      rest = rest[rest.index(after: gt)...]
      if tag.hasPrefix("?") || tag.hasPrefix("!") { continue }
      if tag.contains("<") { problems.append("< inside a tag: \(tag)") }
      if tag.hasPrefix("/") {
        let name = String(tag.dropFirst())
        if open.popLast() != name { problems.append("</\(name)> closes nothing open") }
        continue
      }
      let name = String(tag.prefix { $0 != " " && $0 != "/" })
      names.append(name)
      // Attribute values are quoted: an even number of quotes.
      if tag.filter({ $0 == "\"" }).count % 2 != 0 { problems.append("odd quotes: \(tag)") }
      if !tag.hasSuffix("/") { open.append(name) }
    }
    if !open.isEmpty { problems.append("left open: \(open)") }
    if rest.contains(where: { !$0.isWhitespace }) { problems.append("text after the root") }
    return (names, problems)
  }

  /// The boxes of a drawing: `<g class="layer" ...>` elements.
  func boxes(_ svg: String) -> Int { svg.components(separatedBy: "<g class=\"layer\"").count - 1 }

  // MARK: SVG

  @Test func svgOfAChainIsWellFormedWithABoxPerLayerAndTheInput() throws {
    let s = try session(ExportTests.chain)
    let svg = SVGRenderer.svg(s)
    let (names, problems) = elements(svg)
    #expect(problems.isEmpty, "\(problems)")
    #expect(names.first == "svg")
    #expect(svg.contains("version=\"1.1\"") && svg.contains("xmlns=\"http://www.w3.org/2000/svg\""))
    // Three layers and the model's input, which the first reads.
    #expect(boxes(svg) == 3 + 1)
    // One arrow per tensor read: input -> dense, dense -> dropout, dropout -> dense_1.
    #expect(svg.components(separatedBy: "class=\"edge\"").count - 1 == 3)
    #expect(svg.contains(">dense_1 (Dense)</text>"))
    #expect(svg.contains(">Params: 15</text>"))
  }

  @Test func svgLaysOutAChainOneRowPerLayer() throws {
    let plan = SVGRenderer.layout(try session(ExportTests.chain))
    #expect(plan.input == 0)
    #expect(plan.rows == [1, 2, 3])
    #expect(plan.columns == [0, 0, 0])
  }

  @Test func svgLaysOutAGraphByDepth() throws {
    // input (row 0) -> a (row 1); input -> b (row 1); add(a, b) reads row 1: row 2; a dense
    // after it: row 3. Within row 1, a is first (column 0) and b second.
    let s = try session([
      "input (4,)", "add dense units=4 as a", "add dense units=4 from input as b",
      "add add from a,b", "add dense units=2",
    ])
    let plan = SVGRenderer.layout(s)
    #expect(plan.input == 0)
    #expect(plan.rows == [1, 1, 2, 3])
    #expect(plan.columns == [0, 1, 0, 0])
  }

  @Test func svgOfNamedInputsAndAReuseDrawsTheDashedLink() throws {
    // input a, input b: row 0, columns 0 and 1 (no model input is read); da reads a, db (da
    // called again) reads b: row 1; concatenate reads both: row 2.
    let s = try session(ExportTests.graph)
    let plan = SVGRenderer.layout(s)
    #expect(plan.input == nil)
    #expect(plan.rows == [0, 0, 1, 1, 2])
    #expect(plan.columns == [0, 1, 0, 1, 0])
    let svg = SVGRenderer.svg(s)
    #expect(elements(svg).problems.isEmpty)
    #expect(boxes(svg) == 5)
    #expect(svg.components(separatedBy: "class=\"reuse\"").count - 1 == 1)
    #expect(svg.contains("stroke-dasharray"))
    #expect(svg.contains("<title>same weights as #3</title>"))
  }

  @Test func svgLabelsStatesAndEscapesText() throws {
    let s = try session([
      "input (10,8)", "add lstm units=4 return_state=true as enc",
      "add lstm units=4 from input,enc.h,enc.c",
    ])
    let svg = SVGRenderer.svg(s)
    #expect(elements(svg).problems.isEmpty)
    #expect(svg.contains(">h</text>") && svg.contains(">c</text>"))
    #expect(
      SVGRenderer.escape("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;")
    #expect(SVGRenderer.escape("x\u{1}y") == "xy")
  }

  @Test func svgOfAHundredLayerChainStaysOneColumnWide() throws {
    let lines = ["input (8,)"] + Array(repeating: "add dense units=8", count: 100)
    let s = try session(lines)
    let plan = SVGRenderer.layout(s)
    #expect(plan.rows == Array(1...100))
    #expect(Set(plan.columns) == [0])
    let svg = SVGRenderer.svg(s)
    let (names, problems) = elements(svg)
    #expect(problems.isEmpty)
    #expect(boxes(svg) == 101)
    #expect(names.filter { $0 == "rect" }.count == 101 + 1)  // the boxes and the background
    // One column: the drawing is as wide as one box and its margins, and tall enough for 101
    // rows (the input and the layers).
    let root = try #require(svg.split(separator: "\n").first { $0.hasPrefix("<svg ") })
    func number(_ attribute: String) -> Int? {
      guard let r = root.range(of: " \(attribute)=\"") else { return nil }
      return Int(root[r.upperBound...].prefix { $0 != "\"" })
    }
    let width = try #require(number("width"))
    let height = try #require(number("height"))
    #expect(width < 400)
    #expect(height > 101 * 3 * SVGRenderer.lineHeight)
  }

  // MARK: Keras

  @Test func kerasScriptOfAChain() throws {
    let s = try session(ExportTests.chain)
    let expected = """
      # The model rebuilt with Keras 3's functional API (written by paramcalc).
      # Run: KERAS_BACKEND=jax python THIS_FILE
      import keras
      from keras import layers

      inputs = keras.Input(shape=(4,))
      layer1 = layers.Dense(units=3)
      x1 = layer1(inputs)
      layer2 = layers.Dropout(rate=0.5)
      x2 = layer2(x1)
      layer3 = layers.Dense(units=2)
      x3 = layer3(x2)
      model = keras.Model(inputs=[inputs], outputs=x3, name="sequential")
      model.summary()
      print(model.count_params())

      """
    #expect(try KerasScriptRenderer.script(s, at: .none) == expected)
  }

  @Test func kerasScriptOfAGraphWithNamedInputsReuseAndAMerge() throws {
    let s = try session(ExportTests.graph)
    let expected = """
      # The model rebuilt with Keras 3's functional API (written by paramcalc).
      # Run: KERAS_BACKEND=jax python THIS_FILE
      import keras
      from keras import layers

      x1 = keras.Input(shape=(8,), name="a")
      x2 = keras.Input(shape=(8,), name="b")
      layer3 = layers.Dense(units=4)
      x3 = layer3(x1)
      x4 = layer3(x2)
      layer5 = layers.Concatenate()
      x5 = layer5([x3, x4])
      model = keras.Model(inputs=[x1, x2], outputs=x5, name="functional")
      model.summary()
      print(model.count_params())

      """
    #expect(try KerasScriptRenderer.script(s, at: .none) == expected)
  }

  @Test func kerasScriptUnpacksStatesFreezesAndWraps() throws {
    let s = try session([
      "input (10,8)", "add lstm units=4 return_state=true trainable=false as enc",
      "add gru units=4 return_sequences=true from input,enc.h as dec",
      "add bidirectional gru units=3 merge_mode=sum",
      "output #3,enc.c",
    ])
    let text = try KerasScriptRenderer.script(s, at: .none)
    #expect(
      text.contains("layer1 = layers.LSTM(units=4, return_state=True)\nlayer1.trainable = False\n"))
    #expect(text.contains("x1, x1_h, x1_c = layer1(inputs)\n"))
    #expect(
      text.contains(
        "layer2 = layers.GRU(units=4, return_sequences=True)\nx2 = layer2(inputs, initial_state=[x1_h])\n"
      ))
    #expect(
      text.contains(
        "layer3 = layers.Bidirectional(layers.GRU(units=3), merge_mode=\"sum\")\nx3 = layer3(x2)\n")
    )
    #expect(text.contains("model = keras.Model(inputs=[inputs], outputs=[x3, x1_c]"))
  }

  @Test func kerasScriptWritesAttentionOnItsTensorsAndTokenIdsAsIntegers() throws {
    let attention = try session([
      "input (5,16)", "input m (7,16)", "add multiheadattention num_heads=2 key_dim=4 from input",
      "add multiheadattention num_heads=2 key_dim=4 from #2,m",
    ])
    let text = try KerasScriptRenderer.script(attention, at: .none)
    #expect(text.contains("x2 = layer2(inputs, inputs)\n"))
    #expect(text.contains("x3 = layer3(x2, x1)\n"))
    let tokens = try session(["input (20,)", "add embedding input_dim=50 output_dim=4"])
    #expect(
      try KerasScriptRenderer.script(tokens, at: .none).contains(
        "inputs = keras.Input(shape=(20,), dtype=\"int32\")\n"))
  }

  @Test func kerasScriptBuildsANestedModelFirst() throws {
    let s = try session([
      "input (5,3)", "add sequential script=\"input (None,3); add dense units=4\"",
    ])
    let text = try KerasScriptRenderer.script(s, at: .none)
    #expect(
      text.contains("def build_sequential_model_1():\n    inputs = keras.Input(shape=(None, 3))\n"))
    #expect(text.contains("layer1 = build_sequential_model_1()\nx1 = layer1(inputs)\n"))
  }

  @Test func kerasValuesAreWrittenAsPython() {
    #expect(KerasScriptRenderer.python(Value.tuple([.int(3)])) == "(3,)")
    #expect(KerasScriptRenderer.python(Value.tuple([.int(3), .none])) == "(3, None)")
    #expect(KerasScriptRenderer.python(Value.bool(false)) == "False")
    #expect(KerasScriptRenderer.python(Value.float(0.5)) == "0.5")
    #expect(KerasScriptRenderer.python(Value.string("a\"b\\c")) == "\"a\\\"b\\\\c\"")
  }

  @Test func kerasScriptCallsAnOperationOfKerasOps() throws {
    let s = try session([
      "input (4,)", "add dense units=4 as d", "add operation op=multiply constant=0.5",
      "add operation op=add from d,#2", "add operation op=relu6",
    ])
    let text = try KerasScriptRenderer.script(s, at: .none)
    #expect(text.contains("x2 = keras.ops.multiply(x1, 0.5)\n"))
    #expect(text.contains("x3 = keras.ops.add(x1, x2)\n"))
    #expect(text.contains("x4 = keras.ops.relu6(x3)\n"))
    #expect(text.contains("outputs=x4,"))
  }

  @Test func kerasExportRefusesALayerKerasLayersDoesNotExportByName() {
    let setup = [
      "input (4,)", "add dense units=4", "add layerscale init_values=0.1 projection_dim=4",
    ]
    expectRefusal(
      after: setup, "export keras m.py", .wiring, "export keras cannot write layer #2 (LayerScale)")
    expectRefusal(after: setup, "export keras m.py", .wiring, "not in keras.layers")
  }
}
