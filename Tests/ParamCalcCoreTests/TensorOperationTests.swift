import Testing

@testable import ParamCalcCore

/// Operations on tensors (`add operation`) and the applications' own layers (CustomScaleLayer,
/// LayerScale): their shape rules and refusals, and their import from a model file. The
/// expected numbers are worked out here by hand; the Keras-checked cases are in
/// scripts/keras_exactness_cases.py, and whole models in ImportGraphTests.
@Suite("Operations on tensors and the applications' layers")
struct TensorOperationTests {
  /// The last layer of a model built from these lines.
  static func last(_ lines: String...) throws -> ModelLayer {
    var interpreter = Interpreter()
    for line in lines { _ = try interpreter.run(line: line) }
    return try #require(interpreter.session.layers.last)
  }

  @Test func twoTensorsBroadcastFromTheLastAxis() throws {
    let l = try Self.last("input a (4,1)", "input b (1,6)", "add operation op=add from a,b")
    #expect(l.output == Shape([4, 6]))
    #expect(l.params == 0)
    #expect(l.typeName == "Add")
    // A tensor of lower rank is aligned on the last axes: (None, 6) against (None, 4, 6).
    let m = try Self.last(
      "input a (4,6)", "input b (6,)", "add operation op=true_divide from a,b")
    #expect(m.output == Shape([4, 6]))
    #expect(m.typeName == "TrueDivide")
    // None takes the other size (keras.ops's broadcast_shapes).
    let n = try Self.last(
      "input a (None,6)", "input b (4,1)", "add operation op=maximum from a,b")
    #expect(n.output == Shape([4, 6]))
  }

  @Test func aConstantOrOneOperandKeepsTheShape() throws {
    #expect(
      try Self.last("input (1,1,16)", "add operation op=add constant=3.0").output
        == Shape([1, 1, 16]))
    let r = try Self.last("input (7,3)", "add operation op=relu6")
    #expect(r.output == Shape([7, 3]))
    #expect(r.typeName == "Relu6")
  }

  @Test func refusals() throws {
    let mismatch = try #require(
      error(after: ["input a (4,3)", "input b (4,5)"], "add operation op=subtract from a,b"))
    #expect(mismatch.message.contains("Cannot broadcast shape, the failure dim has value 3"))
    let alone = try #require(error(after: ["input (4,3)"], "add operation op=multiply"))
    #expect(alone.message.contains("takes two operands"))
    let unary = try #require(
      error(after: ["input (4,3)"], "add operation op=negative constant=2"))
    #expect(unary.message.contains("takes one tensor"))
    let unknown = try #require(error(after: ["input (4,3)"], "add operation op=mutliply"))
    #expect(unknown.message.contains("did you mean 'multiply'"))
    let three = try #require(
      error(after: ["input (4,3)"], "add operation op=add from input,input,input"))
    #expect(three.message.contains("takes two tensors"))
  }

  @Test func customScaleLayer() throws {
    let l = try Self.last(
      "input a (35,35,320)", "input b (35,35,320)", "add customscalelayer scale=0.17 from a,b")
    #expect(l.output == Shape([35, 35, 320]) && l.params == 0)
    let b = try Self.last(
      "input a (4,1)", "input b (1,6)", "add customscalelayer scale=0.5 from a,b")
    #expect(b.output == Shape([4, 6]))
    #expect(error(after: ["input (4,3)"], "add customscalelayer scale=0.5") != nil)
    // Traced by the backend, None does not broadcast against a size other than 1.
    #expect(
      error(
        after: ["input a (None,6)", "input b (4,1)"], "add customscalelayer scale=0.5 from a,b")
        != nil)
  }

  @Test func layerScale() throws {
    // gamma: one factor per channel, projection_dim = 96 numbers, trainable.
    let l = try Self.last("input (56,56,96)", "add layerscale init_values=1e-6 projection_dim=96")
    #expect(l.trainable == 96 && l.nonTrainable == 0)
    #expect(l.output == Shape([56, 56, 96]))
    // A last axis of 1 is repeated: gamma's 8 factors make 8 channels.
    let one = try Self.last("input (5,1)", "add layerscale init_values=0.1 projection_dim=8")
    #expect(one.output == Shape([5, 8]) && one.params == 8)
    #expect(error(after: ["input (5,3)"], "add layerscale init_values=0.1 projection_dim=8") != nil)
    #expect(
      error(after: ["input (None,)"], "add layerscale init_values=0.1 projection_dim=8") != nil)
    #expect(error(after: ["input (5,8)"], "add layerscale projection_dim=8") != nil)
  }

  // MARK: import

  static func tensor(_ layer: String, _ shape: String) -> String {
    #"{"class_name": "__keras_tensor__", "config": {"shape": \#(shape), "dtype": "float32", "keras_history": ["\#(layer)", 0, 0]}}"#
  }

  /// A Functional model: input `x` of shape (None, 4), then one operation node.
  static func file(_ cls: String, module: String = "keras.src.ops.numpy", args: String) -> String {
    #"{"class_name": "Functional", "config": {"name": "f", "layers": ["#
      + #"{"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 4], "name": "x"}, "name": "x", "inbound_nodes": []}, "#
      + #"{"module": "\#(module)", "class_name": "\#(cls)", "config": {"name": "op"}, "registered_name": "\#(cls)", "name": "op", "inbound_nodes": [{"args": [\#(args)], "kwargs": {}}]}"#
      + #"], "input_layers": [["x", 0, 0]], "output_layers": [["op", 0, 0]]}}"#
  }

  static func importing(_ json: String) -> Result<Session, ParamCalcError> {
    var interpreter = Interpreter()
    var copy = json
    return copy.withUTF8 { b in
      Result { () throws(ParamCalcError) -> Session in
        _ = try interpreter.importModel(json: b, path: "f.json", at: .none)
        return interpreter.session
      }
    }
  }

  @Test func importedOperations() throws {
    let x = Self.tensor("x", "[null, 4]")
    let plus = try Self.importing(Self.file("Add", args: "\(x), 3.0")).get()
    #expect(plus.layerNames == ["x", "op"])
    #expect(plus.layers.last?.typeName == "Add")
    #expect(plus.layers.last?.output == Shape([4]))
    let square = try Self.importing(Self.file("Multiply", args: "\(x), \(x)")).get()
    #expect(square.layers.last?.typeName == "Multiply")
    let relu6 = try Self.importing(Self.file("Relu6", module: "keras.src.ops.nn", args: x)).get()
    #expect(relu6.layers.last?.typeName == "Relu6")
    // The constant first (3.0 - x) reads the same.
    let minus = try Self.importing(Self.file("Subtract", args: "3.0, \(x)")).get()
    #expect(minus.layers.last?.output == Shape([4]))
  }

  @Test func importRefusesOtherOperations() throws {
    let x = Self.tensor("x", "[null, 4]")
    guard case .failure(let sum) = Self.importing(Self.file("Sum", args: x)) else {
      Issue.record("Sum imported")
      return
    }
    #expect(
      sum.message.contains("'op' is an operation on tensors (Sum) that paramcalc does not place"))
    guard case .failure(let array) = Self.importing(Self.file("Add", args: "\(x), [1.0, 2.0]"))
    else {
      Issue.record("an array constant imported")
      return
    }
    #expect(array.message.contains("a list (an array constant)"))
  }
}
