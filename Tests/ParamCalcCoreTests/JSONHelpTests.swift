import Foundation
import Testing

@testable import ParamCalcCore

/// `help LAYER` in JSON names the layer and its arguments, for every type of the catalog (and
/// under Keras's other names for it), and nothing of the kind for a command.
@Suite("help in JSON")
struct JSONHelpTests {
  static func object(_ line: String) throws -> [String: Any] {
    var i = Interpreter()
    let response = try #require(try i.run(line: line)?.1)
    let text = JSONRenderer.render(response, line: 1, session: i.session)
    return try #require(
      try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
  }

  @Test func everyLayerTypeIsNamedWithItsArguments() throws {
    let descriptors = LayerCatalog.standard.descriptors
    #expect(descriptors.count > 40)
    for d in descriptors {
      let o = try Self.object("help \(d.name.lowercased())")
      #expect(o["layer"] as? String == d.name, "help \(d.name)")
      let arguments = try #require(o["arguments"] as? [[String: Any]], "help \(d.name)")
      #expect(arguments.compactMap { $0["name"] as? String } == d.arguments.map(\.name))
      #expect(o["inert"] as? [String] == d.inert)
    }
  }

  @Test func anotherKerasNameIsTheSameLayer() throws {
    #expect(try Self.object("help convolution2d")["layer"] as? String == "Conv2D")
    #expect(try Self.object("help maxpool1d")["layer"] as? String == "MaxPooling1D")
  }

  @Test(arguments: ["help", "help insert", "help input", "help summary"])
  func aCommandNamesNoLayer(_ line: String) throws {
    let o = try Self.object(line)
    #expect(o["text"] is String)
    #expect(o["layer"] == nil && o["arguments"] == nil)
  }

  /// `add` is a command and Keras's layer Add: `help add` says both, and names the layer.
  @Test func helpAddIsTheCommandAndTheLayer() throws {
    let o = try Self.object("help add")
    let text = try #require(o["text"] as? String)
    #expect(text.hasPrefix("add TYPE key=value"))
    #expect(text.contains("\n\nThe layer type Add:\n"))
    #expect(o["layer"] as? String == "Add")
  }
}
